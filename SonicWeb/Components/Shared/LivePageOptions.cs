using SonicWeb.Hosting;

namespace SonicWeb.Components.Shared;

/// <summary>
/// How often open pages redraw a running job (section "LivePages"). Every redraw costs the browser a few
/// milliseconds of CPU (the batch, style, layout and paint); a tab that cannot keep up gets fewer anyway (the page
/// waits for the browser to show a render before sending the next), so these are the most a tab is sent.
/// </summary>
public sealed class LivePageOptions
{
    public const string Section = "LivePages";

    /// <summary>Shortest time between two redraws of a job's progress on one page (default 100 ms: the progress sink's own rate).</summary>
    public int ProgressIntervalMilliseconds { get; set; } = 100;

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
