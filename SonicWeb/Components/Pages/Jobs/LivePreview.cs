namespace SonicWeb.Components.Pages.Jobs;

/// <summary>
/// The preview image a job page shows while its job runs: a new preview at most once per interval. Every new preview is
/// a new image for the tab to fetch and decode; the engine makes one every 0.5 s (EngineOptions.PreviewInterval) and
/// progress events come ten a second, so with many tabs open the images were a large part of the browsers' work, while a
/// person watching gains little from a second new picture per second. The frame counter and bar keep every update.
/// A preview passed over is not lost: every progress event carries the newest preview's address, so the first event
/// after the interval shows it.
/// </summary>
public sealed class LivePreview(TimeSpan interval, TimeProvider clock)
{
    private long _changedAt;

    /// <summary>The preview to show; null before the first one (or after <see cref="Clear"/>).</summary>
    public string? Url { get; private set; }

    /// <summary>The newest preview's address from a progress event; true when <see cref="Url"/> changed.</summary>
    public bool Offer(string? url)
    {
        if (url is null || url == Url) return false;
        var now = clock.GetTimestamp();
        if (Url is not null && clock.GetElapsedTime(_changedAt, now) < interval) return false;
        Url = url;
        _changedAt = now;
        return true;
    }

    /// <summary>A new run, or the job stopped running: the next preview shows at once.</summary>
    public void Clear() => Url = null;
}
