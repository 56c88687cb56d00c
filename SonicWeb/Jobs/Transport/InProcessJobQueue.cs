using SonicWeb.Jobs.Running;

namespace SonicWeb.Jobs.Transport;

/// <summary>
/// The queue of one process: the database rows are the queue, <see cref="JobClaims"/> claims the
/// oldest with a conditional update, and a semaphore wakes idle worker slots when a job is announced
/// (slots also look again every <see cref="JobOptions.PollSeconds"/>, so a lost wake-up only delays).
/// </summary>
public sealed class InProcessJobQueue(JobClaims claims) : IJobQueue
{
    private readonly SemaphoreSlim _work = new(0);

    public void Enqueue(string jobId) => _work.Release();

    public async Task<ClaimedJob?> ClaimNextAsync(TimeSpan wait, CancellationToken ct)
    {
        if (await claims.ClaimOldestAsync(ct) is { } job) return new ClaimedJob(job);
        await _work.WaitAsync(wait, ct);
        return null;
    }

    public Task CompleteAsync(ClaimedJob job, CancellationToken ct) => Task.CompletedTask;
}
