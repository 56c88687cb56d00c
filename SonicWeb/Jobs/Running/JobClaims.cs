using Microsoft.EntityFrameworkCore;
using SonicWeb.Data;
using SonicWeb.Engine.Pipeline;

namespace SonicWeb.Jobs.Running;

/// <summary>
/// Claiming a queued job for a worker, as one conditional update of its row: Queued becomes Running
/// and the attempt is counted only if the row is still Queued with the attempt count that was read.
/// Two workers (in one process or on two machines) that pick the same job: one update changes the
/// row, the other changes nothing and looks again. No lock is needed, only the database.
/// </summary>
public sealed class JobClaims(IDbContextFactory<SonicDbContext> db)
{
    /// <summary>Claims the oldest queued job (by QueuedAt, then id); null when the queue is empty.</summary>
    public async Task<Job?> ClaimOldestAsync(CancellationToken ct)
    {
        while (true)
        {
            await using var context = await db.CreateDbContextAsync(ct);
            var next = await context.Jobs.AsNoTracking().Where(j => j.Status == JobStatus.Queued)
                .OrderBy(j => j.QueuedAt).ThenBy(j => j.Id).Select(j => new { j.Id, j.Attempts }).FirstOrDefaultAsync(ct);
            if (next is null) return null;
            if (await TryClaimAsync(next.Id, next.Attempts, ct) is { } job) return job;
            // Someone else claimed (or cancelled) it between the read and the update: look again.
        }
    }

    /// <summary>Claims job <paramref name="id"/> if it is still Queued after <paramref name="attempts"/> runs; null otherwise.</summary>
    public Task<Job?> TryClaimAsync(string id, int attempts, CancellationToken ct) => TryClaimAsync(id, JobStatus.Queued, attempts, ct);

    /// <summary>
    /// Claims job <paramref name="id"/> that is still Running after <paramref name="attempts"/> runs: its worker
    /// died (a broker queue knows: it redelivered the job's message and no node runs it). The attempt is
    /// counted again, so the dead run can no longer write a final state.
    /// </summary>
    public Task<Job?> TryTakeOverAsync(string id, int attempts, CancellationToken ct) => TryClaimAsync(id, JobStatus.Running, attempts, ct);

    private async Task<Job?> TryClaimAsync(string id, JobStatus from, int attempts, CancellationToken ct)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        var now = DateTime.UtcNow;
        int claimed = await context.Jobs.Where(j => j.Id == id && j.Status == from && j.Attempts == attempts)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Running)
                .SetProperty(j => j.Attempts, attempts + 1)
                .SetProperty(j => j.StartedAt, now)
                .SetProperty(j => j.FinishedAt, (DateTime?)null)
                .SetProperty(j => j.Stage, GenerationStage.Loading.ToString())
                .SetProperty(j => j.FramesDone, 0)
                .SetProperty(j => j.ErrorCode, (string?)null)
                .SetProperty(j => j.ErrorMessage, (string?)null), ct);
        if (claimed == 0) return null;
        return await context.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct);
    }
}
