using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SonicWeb.Data;
using SonicWeb.Jobs.Transport;
using SonicWeb.Storage;

namespace SonicWeb.Nodes;

/// <summary>
/// Puts Running jobs that no live worker runs back in the queue: their worker was killed, lost its
/// machine, or ran out of drain time. A job belongs to a live worker when that worker's row (seen within
/// Node:StaleAfterSeconds) lists it, or when it started so recently that no heartbeat could list it yet.
/// Each job is requeued by a conditional update (still Running, same attempt), so two workers doing this
/// at once requeue it once, and a job that just finished stays finished. Keeps its place at the front.
/// </summary>
public sealed class StaleJobRecovery(
    IDbContextFactory<SonicDbContext> db,
    StoragePaths paths,
    IJobQueue queue,
    IOptions<NodeOptions> node,
    ILogger<StaleJobRecovery> log)
{
    /// <param name="exceptNode">This node's name at its start: its own old row lists jobs of its previous life, which are stale.</param>
    public async Task<int> RequeueOrphansAsync(string? exceptNode, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        var liveSince = now.AddSeconds(-node.Value.StaleAfterSeconds);
        await using var context = await db.CreateDbContextAsync(ct);
        var live = await context.Workers.AsNoTracking()
            .Where(w => w.LastSeenAt >= liveSince && w.State != WorkerStates.Stopped && w.Name != exceptNode)
            .Select(w => w.RunningJobIds).ToListAsync(ct);
        var owned = live.SelectMany(ids => ids.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToHashSet(StringComparer.Ordinal);
        var running = await context.Jobs.AsNoTracking().Where(j => j.Status == JobStatus.Running)
            .Select(j => new { j.Id, j.Attempts, j.StartedAt, j.CreatedAt }).ToListAsync(ct);

        int requeued = 0;
        foreach (var job in running)
        {
            if (owned.Contains(job.Id)) continue;
            if (exceptNode is null && job.StartedAt is { } started && started >= liveSince) continue; // claimed moments ago by a live worker
            int changed = await context.Jobs.Where(j => j.Id == job.Id && j.Status == JobStatus.Running && j.Attempts == job.Attempts)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, JobStatus.Queued)
                    .SetProperty(j => j.Stage, (string?)null)
                    .SetProperty(j => j.FramesDone, 0)
                    .SetProperty(j => j.QueuedAt, job.CreatedAt), ct); // it keeps its place at the front
            if (changed == 0) continue;
            if (File.Exists(paths.Video(job.Id))) File.Delete(paths.Video(job.Id));
            log.LogWarning("Job {JobId} was Running on no live worker (attempt {Attempt}); queued to run again", job.Id, job.Attempts);
            queue.Enqueue(job.Id);
            requeued++;
        }
        return requeued;
    }
}
