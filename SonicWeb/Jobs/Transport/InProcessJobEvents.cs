namespace SonicWeb.Jobs.Transport;

/// <summary>
/// Job events inside one process: each publish calls the job's subscribers and the all-jobs
/// subscribers one after the other, on the publisher's task (the publisher waits, which keeps one
/// job's events in order). A subscriber that throws is logged and skipped.
/// </summary>
public sealed class InProcessJobEvents(ILogger<InProcessJobEvents> log) : IJobEvents, IJobEventOrigins
{
    private const string AllJobs = "";
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Subscription[]> _byJob = new();

    public async Task PublishAsync(JobEvent e)
    {
        Subscription[] forJob, forAll;
        lock (_lock)
        {
            forJob = _byJob.GetValueOrDefault(e.JobId) ?? [];
            forAll = _byJob.GetValueOrDefault(AllJobs) ?? [];
        }
        foreach (var subscription in forJob.Concat(forAll))
        {
            if (subscription.IsDisposed) continue;
            try { await subscription.OnEvent(e); }
            catch (Exception ex) { log.LogWarning(ex, "A watcher of job {JobId} failed on {Event}", e.JobId, e.GetType().Name); }
        }
    }

    public IDisposable Subscribe(string? jobId, Func<JobEvent, Task> onEvent)
    {
        var key = jobId ?? AllJobs;
        var subscription = new Subscription(this, key, onEvent);
        lock (_lock) _byJob[key] = [.. _byJob.GetValueOrDefault(key) ?? [], subscription];
        return subscription;
    }

    /// <summary>In one process every event happens here.</summary>
    public IDisposable SubscribeOriginatedHere(Func<JobEvent, Task> onEvent) => Subscribe(null, onEvent);

    private void Remove(Subscription subscription)
    {
        lock (_lock)
        {
            if (!_byJob.TryGetValue(subscription.Key, out var list)) return;
            var rest = list.Where(s => s != subscription).ToArray();
            if (rest.Length == 0) _byJob.Remove(subscription.Key);
            else _byJob[subscription.Key] = rest;
        }
    }

    /// <summary>Subscribers per job id, for tests and diagnostics ("" = all jobs).</summary>
    internal int SubscriberCount(string? jobId)
    {
        lock (_lock) return _byJob.GetValueOrDefault(jobId ?? AllJobs)?.Length ?? 0;
    }

    private sealed class Subscription(InProcessJobEvents owner, string key, Func<JobEvent, Task> onEvent) : IDisposable
    {
        private int _disposed;
        public string Key { get; } = key;
        public Func<JobEvent, Task> OnEvent { get; } = onEvent;
        public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) owner.Remove(this);
        }
    }
}
