using SonicWeb.Hosting;

namespace SonicWeb.Components.Shared;

/// <summary>
/// How often open pages redraw a running job (section "LivePages"). Every redraw costs the browser a few
/// milliseconds of CPU (the batch, style, layout and paint): a frame counter needs no more than a few a second,
/// and a phone, or a machine with many pages open, keeps up only if the server does not send more.
/// </summary>
public sealed class LivePageOptions
{
    public const string Section = "LivePages";

    /// <summary>Shortest time between two redraws of a job's progress on one page (default 250 ms: four a second).</summary>
    public int ProgressIntervalMilliseconds { get; set; } = 250;

    /// <summary>Shortest time between two live preview images on one page (default 1000 ms).</summary>
    public int PreviewIntervalMilliseconds { get; set; } = 1000;

    public TimeSpan ProgressInterval => TimeSpan.FromMilliseconds(ProgressIntervalMilliseconds);
    public TimeSpan PreviewInterval => TimeSpan.FromMilliseconds(PreviewIntervalMilliseconds);
}

public sealed class LivePageOptionsValidator : OptionsValidator<LivePageOptions>
{
    public override IEnumerable<string> Problems(LivePageOptions o)
    {
        if (o.ProgressIntervalMilliseconds is < 0 or > 10_000)
            yield return $"LivePages:ProgressIntervalMilliseconds is {o.ProgressIntervalMilliseconds}; it must be between 0 and 10000";
        if (o.PreviewIntervalMilliseconds is < 0 or > 60_000)
            yield return $"LivePages:PreviewIntervalMilliseconds is {o.PreviewIntervalMilliseconds}; it must be between 0 and 60000";
    }
}
