using SonicWeb.Data;
using SonicWeb.Jobs;
using SonicWeb.Jobs.Transport;

namespace SonicWeb.Components.Shared.Jobs;

/// <summary>
/// Job events for a page that shows many jobs (history, batch): the events of the jobs it wants are collected
/// and handed to the page at most once per <c>interval</c>, on the page's own dispatcher, so a busy render farm
/// (dozens of progress events a second) costs one render per interval. The publisher is never kept waiting:
/// events are only stored on its task. Dispose with the component; nothing is delivered after that.
/// </summary>
public sealed class ThrottledJobEvents : IDisposable
{
    private readonly Func<JobEvent, bool> _wanted;
    private readonly Func<IReadOnlyList<JobEvent>, Task> _deliver;
    private readonly Func<Func<Task>, Task> _dispatch;
    private readonly TimeSpan _interval;
    private readonly Lock _lock = new();
    private readonly IDisposable _subscription;
    private List<JobEvent> _pending = [];
    private Timer? _timer;
    private bool _disposed;

    /// <param name="events">The app's job events (all jobs are watched; <paramref name="wanted"/> picks).</param>
    /// <param name="wanted">Whether the page wants this event (asked on the publisher's task: keep it cheap and thread-safe).</param>
    /// <param name="deliver">Gets the collected events, oldest first, on the page's dispatcher.</param>
    /// <param name="dispatch">The component's InvokeAsync.</param>
    public ThrottledJobEvents(IJobEvents events, Func<JobEvent, bool> wanted, Func<IReadOnlyList<JobEvent>, Task> deliver,
        Func<Func<Task>, Task> dispatch, TimeSpan interval)
    {
        (_wanted, _deliver, _dispatch, _interval) = (wanted, deliver, dispatch, interval);
        _subscription = events.Subscribe(null, OnEvent);
    }

    private Task OnEvent(JobEvent e)
    {
        if (!_wanted(e)) return Task.CompletedTask;
        lock (_lock)
        {
            if (_disposed) return Task.CompletedTask;
            _pending.Add(e);
            _timer ??= new Timer(_ => _ = FlushAsync(), null, _interval, Timeout.InfiniteTimeSpan);
        }
        return Task.CompletedTask;
    }

    private async Task FlushAsync()
    {
        List<JobEvent> batch;
        lock (_lock)
        {
            if (_disposed) return;
            (batch, _pending) = (_pending, []);
            _timer?.Dispose();
            _timer = null;
        }
        try { await _dispatch(() => _deliver(batch)); }
        catch (ObjectDisposedException) { } // the circuit closed between the event and its delivery
    }

    /// <summary>
    /// A running job with the newest progress event applied: the database row is written about once a second, the
    /// events come more often, so pages show the event's frame counter until the next read.
    /// </summary>
    public static JobView WithProgress(JobView job, IReadOnlyDictionary<string, JobProgressMessage> progress) =>
        job.Status == JobStatus.Running && progress.TryGetValue(job.Id, out var p) && p.FramesDone >= job.FramesDone
            ? job with { FramesDone = p.FramesDone, FramesTotal = p.FramesTotal }
            : job;

    public void Dispose()
    {
        _subscription.Dispose();
        lock (_lock)
        {
            _disposed = true;
            _timer?.Dispose();
            _timer = null;
        }
    }
}
