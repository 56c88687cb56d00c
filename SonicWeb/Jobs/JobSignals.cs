using System.Collections.Concurrent;

namespace SonicWeb.Jobs;

/// <summary>
/// In-process coordination around the database queue: waking idle workers when a job is queued,
/// the cancellation handle of each running job, and waiters for a job's end (the ?wait=S endpoint).
/// The database stays the source of truth; losing this state (a restart) loses nothing.
/// </summary>
public sealed class JobSignals
{
    private readonly SemaphoreSlim _work = new(0);
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _finished = new();

    public void WakeWorkers() => _work.Release();

    public Task<bool> WaitForWorkAsync(TimeSpan timeout, CancellationToken ct) => _work.WaitAsync(timeout, ct);

    public void RegisterRunning(string jobId, CancellationTokenSource cancel) => _running[jobId] = cancel;
    public void UnregisterRunning(string jobId) => _running.TryRemove(jobId, out _);

    /// <summary>Cancels a running job's pipeline (which kills its ffmpeg). False if it is not running here.</summary>
    public bool CancelRunning(string jobId)
    {
        if (!_running.TryGetValue(jobId, out var cts)) return false;
        try { cts.Cancel(); } catch (ObjectDisposedException) { return false; }
        return true;
    }

    /// <summary>Completes when the job reaches a final state (or is re-queued by a restart: check the row).</summary>
    public Task WhenFinished(string jobId) =>
        _finished.GetOrAdd(jobId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void MarkFinished(string jobId)
    {
        if (_finished.TryRemove(jobId, out var tcs)) tcs.TrySetResult();
    }
}
