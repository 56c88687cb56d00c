using System.Diagnostics;
using SonicWeb.Jobs.Transport;

namespace SonicWeb.Components.Shared;

/// <summary>
/// A component's live view of job events (one job, or every job when the id is null). Each event is handed to
/// <c>apply</c> on the component's own dispatcher (so the component's fields are only touched there, like in any
/// event handler); when <c>apply</c> says the page changed, a render is asked for, at most one per
/// <c>minInterval</c>: a fast job's events are coalesced into the newest state instead of one diff per event
/// sent down the circuit. The publisher never waits for the page (it only queues the work), so a slow or
/// closed tab cannot hold up a render or the other watchers. Dispose with the component.
/// </summary>
public sealed class LiveJobEvents : IDisposable
{
    private readonly IDisposable _subscription;
    private readonly Func<Func<Task>, Task> _dispatch;
    private readonly Action _render;
    private readonly TimeSpan _minInterval;
    private readonly ILogger _log;
    private long _lastRender;    // Stopwatch timestamp; read and written on the dispatcher only
    private bool _renderPending; // dispatcher only
    private volatile bool _disposed;

    /// <param name="events">The job events transport.</param>
    /// <param name="jobId">The job to watch; null for every job (then <paramref name="apply"/> must filter by who may see it).</param>
    /// <param name="apply">Updates the component's state from an event; true when the page should render again.</param>
    /// <param name="dispatch">The component's InvokeAsync.</param>
    /// <param name="render">The component's StateHasChanged.</param>
    /// <param name="minInterval">The shortest time between two renders caused by events.</param>
    /// <param name="log">Where a failing <paramref name="apply"/> is reported (the circuit never sees the exception).</param>
    public LiveJobEvents(IJobEvents events, string? jobId, Func<JobEvent, bool> apply, Func<Func<Task>, Task> dispatch,
        Action render, TimeSpan minInterval, ILogger log)
    {
        _dispatch = dispatch;
        _render = render;
        _minInterval = minInterval;
        _log = log;
        _subscription = events.Subscribe(jobId, e =>
        {
            Post(() => { if (apply(e)) RequestRender(); });
            return Task.CompletedTask;
        });
    }

    /// <summary>Renders caused by events so far (for tests and the benchmark's diagnostics).</summary>
    public int Renders { get; private set; }

    private void Post(Action work)
    {
        if (!_disposed) _ = RunAsync(work);
    }

    private async Task RunAsync(Action work)
    {
        try
        {
            await _dispatch(() =>
            {
                if (!_disposed) work();
                return Task.CompletedTask;
            });
        }
        catch (Exception e) when (_disposed || e is ObjectDisposedException)
        {
            // The tab closed between the event and its turn on the dispatcher: nothing left to update.
        }
        catch (Exception e)
        {
            _log.LogWarning(e, "A page could not show a job event");
        }
    }

    private void RequestRender()
    {
        if (_renderPending) return;
        var wait = _minInterval - Stopwatch.GetElapsedTime(_lastRender);
        if (_lastRender == 0 || wait <= TimeSpan.Zero)
        {
            Render();
            return;
        }
        _renderPending = true;
        _ = RenderLaterAsync(wait);
    }

    private async Task RenderLaterAsync(TimeSpan wait)
    {
        await Task.Delay(wait);
        Post(() =>
        {
            _renderPending = false;
            Render();
        });
    }

    private void Render()
    {
        _lastRender = Stopwatch.GetTimestamp();
        Renders++;
        _render();
    }

    public void Dispose()
    {
        _disposed = true;
        _subscription.Dispose();
    }
}
