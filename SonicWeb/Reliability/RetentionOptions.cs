using SonicWeb.Hosting;

namespace SonicWeb.Reliability;

/// <summary>
/// How long uploads and outputs are kept (configuration section "Retention", per installation). Both limits are
/// off by default: nothing is removed unless an operator asks for it.
/// </summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>Finished jobs older than this (days since they finished; fractions allowed) lose their files; 0 = no age limit.</summary>
    public double MaxAgeDays { get; set; }

    /// <summary>When uploads and outputs together exceed this many bytes, the oldest finished jobs lose their files until they fit; 0 = no size limit.</summary>
    public long MaxTotalBytes { get; set; }

    /// <summary>How often the retention sweep runs.</summary>
    public double IntervalSeconds { get; set; } = 600;

    public bool Enabled => MaxAgeDays > 0 || MaxTotalBytes > 0;
}

public sealed class RetentionOptionsValidator : OptionsValidator<RetentionOptions>
{
    public override IEnumerable<string> Problems(RetentionOptions o)
    {
        if (!double.IsFinite(o.MaxAgeDays) || o.MaxAgeDays < 0) yield return $"Retention:MaxAgeDays is {o.MaxAgeDays}; it must be 0 (off) or a positive number of days";
        if (o.MaxTotalBytes < 0) yield return $"Retention:MaxTotalBytes is {o.MaxTotalBytes}; it must be 0 (off) or a positive number of bytes";
        if (!double.IsFinite(o.IntervalSeconds) || o.IntervalSeconds <= 0) yield return $"Retention:IntervalSeconds is {o.IntervalSeconds}; it must be a positive number of seconds";
    }
}
