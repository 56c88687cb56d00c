using Microsoft.EntityFrameworkCore;
using SonicWeb.Data;
using SonicWeb.Jobs.Finishing;
using SonicWeb.Jobs.Transport;
using SonicWeb.Notifications;

namespace SonicWeb.Batches;

/// <summary>
/// Sends the one "batch finished" message. A batch is complete when it was released and every job
/// of it is Succeeded, Failed or Cancelled. Each time one of its jobs ends (a run, a cancel, a delete
/// of an unfinished job: the job-finished event) <see cref="JobSettledAsync"/> checks; the check and the claim
/// (Batches.FinishedAt from null to now) are one UPDATE ... WHERE NOT EXISTS (unfinished job), which
/// SQLite runs under its write lock. So with two worker slots ending the last two jobs at once, at
/// least one of them sees both final (each checks after its own write) and exactly one wins the claim.
/// Retrying a job of a complete batch reopens it (<see cref="ReopenAsync"/>): when that job ends, the
/// batch is complete again and its owner gets one more message with the new counts. Retrying while
/// the batch still runs changes nothing: it was never complete.
/// </summary>
public sealed class BatchCompletion(IDbContextFactory<SonicDbContext> db, IUserNotifications notifications, ILogger<BatchCompletion> log)
    : IJobFinishedHandler
{
    public static string PagePath(string batchId) => $"/batches/{batchId}";

    public Task HandleAsync(JobFinished finished, CancellationToken ct) =>
        finished.BatchId is { } batchId ? JobSettledAsync(batchId, ct) : Task.CompletedTask;

    /// <summary>A job of the batch reached a final state (or was deleted): tell the owner if it was the last one.</summary>
    public async Task JobSettledAsync(string batchId, CancellationToken ct)
    {
        try
        {
            await using var context = await db.CreateDbContextAsync(ct);
            var now = DateTime.UtcNow;
            int claimed = await context.Batches
                .Where(b => b.Id == batchId && b.ReleasedAt != null && b.FinishedAt == null
                    && context.Jobs.Any(j => j.BatchId == batchId)
                    && !context.Jobs.Any(j => j.BatchId == batchId && j.Status != JobStatus.Succeeded && j.Status != JobStatus.Failed && j.Status != JobStatus.Cancelled))
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.FinishedAt, now), ct);
            if (claimed == 0) return;
            await AnnounceAsync(batchId, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Never fail the job that triggered the check; the next settled job (or a retry) checks again.
            log.LogError(e, "Could not check whether batch {BatchId} is complete", batchId);
        }
    }

    /// <summary>
    /// The one "batch finished" message with the batch's counts now. Called once the batch is claimed complete; also by
    /// the start-up pass (MissedFinishNotices) for a batch claimed just before the app died, before its message was written.
    /// </summary>
    public async Task AnnounceAsync(string batchId, CancellationToken ct)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        var batch = await context.Batches.AsNoTracking().FirstAsync(b => b.Id == batchId, ct);
        var counts = await context.Jobs.Where(j => j.BatchId == batchId).GroupBy(j => j.Status)
            .Select(g => new { Status = g.Key, Count = g.Count() }).ToListAsync(ct);
        int Count(JobStatus s) => counts.FirstOrDefault(c => c.Status == s)?.Count ?? 0;
        var outcome = new BatchOutcome(batch.Id, batch.OwnerId, batch.Name, Count(JobStatus.Succeeded), Count(JobStatus.Failed), Count(JobStatus.Cancelled), PagePath(batch.Id), batch.FinishedAt);
        log.LogInformation("Batch {BatchId} complete: {Succeeded} succeeded, {Failed} failed, {Cancelled} cancelled", batchId, outcome.Succeeded, outcome.Failed, outcome.Cancelled);
        await notifications.BatchFinishedAsync(outcome, CancellationToken.None);
    }

    /// <summary>A job of the batch went back to the queue (retry): the batch runs again and will be reported again when complete.</summary>
    public async Task ReopenAsync(string batchId, CancellationToken ct)
    {
        await using (var context = await db.CreateDbContextAsync(ct))
        {
            if (await context.Batches.Where(b => b.Id == batchId && b.FinishedAt != null).ExecuteUpdateAsync(s => s.SetProperty(b => b.FinishedAt, (DateTime?)null), ct) > 0)
                log.LogInformation("Batch {BatchId} reopened: one of its jobs was retried", batchId);
        }
        // The retried job may already have ended (while the batch still counted as complete, so its own check could not claim).
        await JobSettledAsync(batchId, ct);
    }
}
