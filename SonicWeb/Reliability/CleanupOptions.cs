using SonicWeb.Hosting;

namespace SonicWeb.Reliability;

/// <summary>
/// The clean-up of what a crash leaves behind (configuration section "Cleanup"). It always runs once at
/// start, before the worker; these settings govern the repeats while the app runs.
/// </summary>
public sealed class CleanupOptions
{
    public const string Section = "Cleanup";

    /// <summary>How often the clean-up runs while the app is up; 0 turns the timer off (the start-up sweep still runs).</summary>
    public double IntervalSeconds { get; set; } = 300;

    /// <summary>
    /// While the app runs, a staging folder (an upload being received) or a job folder without a job row is
    /// only removed once it is this old: an upload in progress or a submission being saved is never touched.
    /// </summary>
    public double StaleAfterMinutes { get; set; } = 60;
}

public sealed class CleanupOptionsValidator : OptionsValidator<CleanupOptions>
{
    public override IEnumerable<string> Problems(CleanupOptions o)
    {
        if (!double.IsFinite(o.IntervalSeconds) || o.IntervalSeconds < 0)
            yield return $"Cleanup:IntervalSeconds is {o.IntervalSeconds}; it must be 0 (off) or a positive number of seconds";
        if (!double.IsFinite(o.StaleAfterMinutes) || o.StaleAfterMinutes < 1)
            yield return $"Cleanup:StaleAfterMinutes is {o.StaleAfterMinutes}; it must be at least 1 (an upload in progress must never look abandoned)";
    }
}
