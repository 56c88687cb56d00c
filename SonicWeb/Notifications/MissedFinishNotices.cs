using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SonicWeb.Batches;
using SonicWeb.Data;
using SonicWeb.Jobs;
using SonicWeb.Jobs.Transport;
using SonicWeb.Nodes;
using SonicWeb.Webhooks;

namespace SonicWeb.Notifications;

/// <summary>
/// At start, and then every Notifications:CatchUpSeconds, writes the outbox rows of jobs that finished just before the app died: the owner's email and the
/// program's webhook call; and completes the batches whose last job ended then (the batch's "finished" mark and its
/// one email, which <see cref="BatchCompletion"/> gives when a batch job ends). A job's end is committed first and its handlers run after; an app killed in between
/// (power cut, SIGKILL) left a finished job without them. Every job that ends writes its rows (the email as
/// Skipped when email is off or the owner opted out; the webhook whenever the job has a callback URL), so a job
/// without its row, written after it last finished, lost it. The look-back keeps an upgrade from announcing old
/// history. One pass for both channels: they are lost by the same gap and go through the same outbox.
/// The periodic pass is for nodes sharing a database: a node that died and came back within <see cref="Grace"/> of a job's
/// end skipped that job at its start (its notices might still have been on their way from another node); once past the
/// grace, the next pass of any node writes them. Passes of several nodes may overlap: a row is written once per ending
/// and channel (<see cref="OncePerEnding"/>).
/// </summary>
public sealed class MissedFinishNotices(IDbContextFactory<SonicDbContext> dbFactory, IUserNotifications notifications,
    JobQueries jobs, WebhookWhenJobFinished webhooks, BatchCompletion batches, NodeTopology topology, IOptions<CatchUpOptions> options,
    ILogger<MissedFinishNotices> log) : IHostedService
{
    // Not disposed: the host may call StopAsync after disposing its services (the test host does), and a source
    // without a timer holds nothing that needs it.
    private readonly CancellationTokenSource _stopping = new();
    private Task _periodic = Task.CompletedTask;

    /// <summary>Jobs that finished longer ago than this are not announced late.</summary>
    public static readonly TimeSpan LookBack = TimeSpan.FromHours(24);

    /// <summary>
    /// A node (this one, in a periodic pass; another one, when shared: <see cref="NodeTopology"/>) may be between a job's
    /// end and its notices right now: jobs and batches that ended this recently are its to announce, not lost.
    /// </summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(2);

    public async Task StartAsync(CancellationToken ct)
    {
        await CatchUpAsync(ct);
        if (options.Value.CatchUpSeconds > 0) _periodic = RunPeriodicallyAsync(TimeSpan.FromSeconds(options.Value.CatchUpSeconds), _stopping.Token);
    }

    public async Task StopAsync(CancellationToken ct)
    {
        await _stopping.CancelAsync();
        await _periodic.WaitAsync(ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task RunPeriodicallyAsync(TimeSpan interval, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                try { await CatchUpAsync(stopping, periodic: true); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The database may be down for a while: the next tick tries again.
                    log.LogWarning("The periodic look for missed job notices failed ({Error}); trying again in {Seconds:0} s", e.Message, interval.TotalSeconds);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
    }

    /// <summary>
    /// Queues every missing finished-job email and webhook call and completes the batches left open; returns how many of
    /// each. The start-up pass alone in its database looks at everything up to now; a periodic pass, or any pass on a
    /// shared database, leaves what ended within <see cref="Grace"/> to the handlers that may be writing it.
    /// </summary>
    public async Task<(int Emails, int Webhooks, int Batches)> CatchUpAsync(CancellationToken ct, bool periodic = false)
    {
        var since = DateTime.UtcNow - LookBack;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var before = DateTime.UtcNow - Grace;
        var finished = db.Jobs.Where(j => j.FinishedAt >= since);
        var batchesDone = db.Batches.AsQueryable();
        if (topology.Shared || periodic)
        {
            finished = finished.Where(j => j.FinishedAt < before);
            batchesDone = batchesDone.Where(b => !db.Jobs.Any(j => j.BatchId == b.Id && j.FinishedAt >= before) && !(b.FinishedAt >= before));
        }

        // A row written before the job last finished (a failed job retried since) announced the earlier ending.
        var missedEmails = await finished
            .Where(j => j.BatchId == null && j.OwnerId != null && (j.Status == JobStatus.Succeeded || j.Status == JobStatus.Failed)
                        && !db.NotificationDeliveries.Any(d => d.JobId == j.Id && d.Channel == NotificationChannel.Email
                                                               && d.Kind == NotificationKind.JobFinished && d.CreatedAt >= j.FinishedAt))
            .Select(j => j.Id).ToListAsync(ct);
        var missedCalls = await finished
            .Where(j => j.CallbackUrl != null && (j.Status == JobStatus.Succeeded || j.Status == JobStatus.Failed || j.Status == JobStatus.Cancelled)
                        && !db.NotificationDeliveries.Any(d => d.JobId == j.Id && d.Channel == NotificationChannel.Webhook
                                                               && d.Kind == NotificationKind.JobFinished && d.CreatedAt >= j.FinishedAt))
            .Select(j => j.Id).ToListAsync(ct);
        // Released, not marked finished, every job final, and one of them ended within the look-back.
        var openBatches = await batchesDone
            .Where(b => b.ReleasedAt != null && b.FinishedAt == null
                        && db.Jobs.Any(j => j.BatchId == b.Id && j.FinishedAt >= since)
                        && !db.Jobs.Any(j => j.BatchId == b.Id && j.Status != JobStatus.Succeeded && j.Status != JobStatus.Failed && j.Status != JobStatus.Cancelled))
            .Select(b => b.Id).ToListAsync(ct);
        // Marked complete within the look-back, without its "batch finished" row written since: the app died between the two.
        var unannounced = await batchesDone
            .Where(b => b.FinishedAt >= since
                        && !db.NotificationDeliveries.Any(d => d.BatchId == b.Id && d.Channel == NotificationChannel.Email
                                                               && d.Kind == NotificationKind.BatchFinished && d.CreatedAt >= b.FinishedAt))
            .Select(b => b.Id).ToListAsync(ct);

        foreach (var jobId in missedEmails)
        {
            log.LogWarning("Job {JobId} finished without its owner being told (the app stopped between the job's end and its notices); telling them now", jobId);
            await notifications.JobFinishedAsync(jobId, ct);
        }
        foreach (var jobId in missedCalls)
        {
            if (await jobs.GetAsync(jobId, ct) is not { } view) continue; // deleted meanwhile
            log.LogWarning("Job {JobId} finished without its webhook call being queued (the app stopped between the job's end and its notices); queuing it now", jobId);
            await webhooks.HandleAsync(new JobFinished(jobId, JobFinished.EndOf(view.Status), view.BatchId, view), ct);
        }
        foreach (var batchId in openBatches)
        {
            log.LogWarning("Batch {BatchId} ended before the app stopped without being marked complete; completing it now", batchId);
            await batches.JobSettledAsync(batchId, ct);
        }
        foreach (var batchId in unannounced)
        {
            log.LogWarning("Batch {BatchId} was marked complete before the app stopped without its owner being told; telling them now", batchId);
            await batches.AnnounceAsync(batchId, ct);
        }
        return (missedEmails.Count, missedCalls.Count, openBatches.Count + unannounced.Count);
    }
}
