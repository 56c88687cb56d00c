using System.Diagnostics;
using SonicWeb.Jobs.Transport;

namespace SonicWeb.Components.Shared;

/// <summary>
/// A component's live view of job events (one job, or every job when the id is null). Each event is handed to
/// <c>apply</c> on the component's own dispatcher (so the component's fields are only touched there, like in any
/// event handler); when <c>apply</c> says the page changed, a render is asked for, at most one per
/// <c>minInterval</c>: a fast job's events are coalesced into the newest state instead of one diff per event
/// sent down the circuit. When the render tells when the browser has shown it, a render also waits for the
/// browser to have shown the previous one (back-pressure): a tab that cannot keep up (a busy machine, 50 tabs on
/// two cores) gets fewer updates, each of the newest state, instead of a queue of stale ones that it applies
/// late (Blazor Server lets ten unacknowledged render batches queue up per circuit). The publisher never waits
/// for a render the page puts off (the interval, the browser's acknowledgement), so a slow or closed tab cannot hold
/// up the other watchers that way. One thing it does wait for: when the circuit's dispatcher is idle, Blazor runs the
/// work inline, so <c>apply</c> and an immediate render run on the publisher's thread, page after page. Moving them
/// onto a drain per page on the thread pool was tried and made the 50-page bursts worse (docs/measurements.md, "Job
/// pages: the render interval counted from the events"). Dispose with the component.
/// </summary>
public sealed class LiveJobEvents : IDisposable
{
    private readonly IDisposable _subscription;
    private readonly Func<Func<Task>, Task> _dispatch;
    private readonly Func<Task> _render;
    private readonly TimeSpan _minInterval;
    private readonly ILogger _log;
    /// <summary>
    /// When the newest event the last render showed reached this page (Stopwatch timestamp; dispatcher only). The interval
    /// is counted from there, not from when the render ran: counted from the render, a render that waited on a busy
    /// dispatcher made the next event, arriving on time, wait for the rest of the interval too, so one delay echoed
    /// into the next update.
    /// </summary>
    private long _lastRender;
    private long _newestArrival; // dispatcher only: when the newest applied event reached the page
    private bool _renderPending; // dispatcher only: a render is scheduled
    private bool _awaitingBrowser; // dispatcher only: the last render is not shown yet
    private bool _heldForBrowser;  // dispatcher only: a render was asked for while waiting for the browser
    private long _lastEvent = Stopwatch.GetTimestamp(); // any thread: Interlocked
    private readonly CancellationTokenSource _stopped = new();
    private volatile bool _disposed;

    /// <param name="events">The job events transport.</param>
    /// <param name="jobId">The job to watch; null for every job (then <paramref name="apply"/> must filter by who may see it).</param>
    /// <param name="apply">Updates the component's state from an event; true when the page should render again.</param>
    /// <param name="dispatch">The component's InvokeAsync.</param>
    /// <param name="render">The component's StateHasChanged (the render counts as shown at once).</param>
    /// <param name="minInterval">The shortest time between two renders caused by events.</param>
    /// <param name="log">Where a failing <paramref name="apply"/> is reported (the circuit never sees the exception).</param>
    public LiveJobEvents(IJobEvents events, string? jobId, Func<JobEvent, bool> apply, Func<Func<Task>, Task> dispatch,
        Action render, TimeSpan minInterval, ILogger log)
        : this(events, jobId, apply, dispatch, () => { render(); return Task.CompletedTask; }, minInterval, log)
    {
    }

    /// <summary>
    /// The same with back-pressure: <paramref name="render"/> starts a render and returns a task that completes when
    /// the browser has applied it (e.g. <see cref="RenderIsland.Refresh"/>); the next render waits for it (at most
    /// <see cref="BrowserWait"/>, so a render that is never acknowledged cannot stop the page).
    /// </summary>
    public LiveJobEvents(IJobEvents events, string? jobId, Func<JobEvent, bool> apply, Func<Func<Task>, Task> dispatch,
        Func<Task> render, TimeSpan minInterval, ILogger log)
    {
        _dispatch = dispatch;
        _render = render;
        _minInterval = minInterval;
        _log = log;
        _subscription = events.Subscribe(jobId, e =>
        {
            long arrived = Stopwatch.GetTimestamp();
            Interlocked.Exchange(ref _lastEvent, arrived);
            Post(() =>
            {
                _newestArrival = Math.Max(_newestArrival, arrived);
                if (apply(e)) RequestRender();
            });
            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// A safety net for events that never arrive: between nodes they travel through a broker, and what is published
    /// while it is down (or while this node's queue is being declared again) is lost. Whenever no event has come for
    /// <paramref name="quietPeriod"/>, <paramref name="recheck"/> runs on the component's dispatcher (it reads the row
    /// again; true when the page should render), so a page never shows a finished job as running for longer than that.
    /// </summary>
    public void RecheckWhenQuiet(TimeSpan quietPeriod, Func<Task<bool>> recheck) => _ = RecheckLoopAsync(quietPeriod, recheck);

    private async Task RecheckLoopAsync(TimeSpan quietPeriod, Func<Task<bool>> recheck)
    {
        using var timer = new PeriodicTimer(quietPeriod);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopped.Token))
            {
                if (Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastEvent)) < quietPeriod) continue;
                await _dispatch(async () =>
                {
                    if (!_disposed && await recheck()) RequestRender();
                });
            }
        }
        catch (Exception e) when (_disposed || e is OperationCanceledException or ObjectDisposedException)
        {
            // The tab closed: nothing left to check.
        }
        catch (Exception e)
        {
            _log.LogWarning(e, "A page could not read its job again");
        }
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

    /// <summary>
    /// The longest a render waits for the browser to show the previous one. Blazor resends unacknowledged batches after
    /// a reconnection; a render that is never acknowledged (its component gone) must not stop the page's updates.
    /// </summary>
    public static readonly TimeSpan BrowserWait = TimeSpan.FromSeconds(2);

    private void RequestRender()
    {
        if (_awaitingBrowser)
        {
            _heldForBrowser = true;
            return;
        }
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
        // A render without a new event (a recheck) counts from now.
        _lastRender = _newestArrival > _lastRender ? _newestArrival : Stopwatch.GetTimestamp();
        Renders++;
        var shown = _render();
        if (shown.IsCompleted) return;
        _awaitingBrowser = true;
        _ = AfterShownAsync(shown);
    }

    /// <summary>The browser showed the last render (or did not say so in time): a render held meanwhile goes now.</summary>
    private async Task AfterShownAsync(Task shown)
    {
        try { await shown.WaitAsync(BrowserWait, _stopped.Token); }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException or ObjectDisposedException) { }
        catch (Exception e) { _log.LogDebug(e, "A page's render was not acknowledged"); }
        Post(() =>
        {
            _awaitingBrowser = false;
            if (!_heldForBrowser) return;
            _heldForBrowser = false;
            RequestRender();
        });
    }

    public void Dispose()
    {
        if (_disposed) return; // a page may dispose it early (before a delete) and again with itself
        _disposed = true;
        _subscription.Dispose();
        _stopped.Cancel();
        _stopped.Dispose();
    }
}
