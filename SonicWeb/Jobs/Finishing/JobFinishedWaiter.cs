using SonicWeb.Jobs.Transport;

namespace SonicWeb.Jobs.Finishing;

/// <summary>
/// Waits for one job's end (the compatibility endpoint's ?wait=S, a cancel or delete waiting for the
/// runner). Start it before reading the job's state, so an end between the read and the wait is not
/// missed; dispose it to stop listening.
/// </summary>
public sealed class JobFinishedWaiter : IDisposable
{
    private readonly TaskCompletionSource<JobFinished> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IDisposable _subscription;

    public JobFinishedWaiter(IJobEvents events, string jobId)
    {
        _subscription = events.Subscribe(jobId, e =>
        {
            if (e is JobFinished finished) _finished.TrySetResult(finished);
            return Task.CompletedTask;
        });
    }

    public Task<JobFinished> Finished => _finished.Task;

    /// <summary>True when the job ended within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        try { await _finished.Task.WaitAsync(timeout, ct); return true; }
        catch (TimeoutException) { return false; }
    }

    public void Dispose() => _subscription.Dispose();
}
