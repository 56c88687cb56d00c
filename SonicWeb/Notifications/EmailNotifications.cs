using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SonicWeb.Data;

namespace SonicWeb.Notifications;

/// <summary>
/// Tells people by email: each event becomes a row in the outbox (<see cref="NotificationOutbox"/>),
/// sent later by <see cref="EmailDispatcher"/>. Returns as soon as the row is written and never
/// throws: a notification problem is logged, it must not fail the job, review or batch that caused it.
/// </summary>
public sealed class EmailNotifications(
    IDbContextFactory<SonicDbContext> db,
    NotificationOutbox outbox,
    IOptions<EmailOptions> options,
    Links.SignedLinks signedLinks,
    ILogger<EmailNotifications> log) : IUserNotifications
{
    private readonly EmailComposer _composer = new(options.Value);

    public Task JobFinishedAsync(string jobId, CancellationToken ct) => GuardAsync(nameof(JobFinishedAsync), jobId, async () =>
    {
        var job = await LoadJobAsync(jobId, ct);
        if (job is null || job.Status is not (JobStatus.Succeeded or JobStatus.Failed)) return;
        if (await outbox.FindRecipientAsync(job.OwnerId, ct) is not { } to) return; // jobs from before accounts have nobody to tell
        var video = signedLinks.For(job.Id);
        var download = job.Status == JobStatus.Succeeded ? (options.Value.Link(video.Video), video.ExpiresAt) : ((string, DateTime)?)null;
        await outbox.EnqueueAsync(NotificationKind.JobFinished, to, _composer.JobFinished(job, to.Name, download), job.Id, null, ct, job.FinishedAt);
    });

    public Task ReviewDecidedAsync(string jobId, CancellationToken ct) => GuardAsync(nameof(ReviewDecidedAsync), jobId, async () =>
    {
        var job = await LoadJobAsync(jobId, ct);
        if (job?.ReviewDecision is null) return;
        if (await outbox.FindRecipientAsync(job.OwnerId, ct) is not { } to) return;
        await outbox.EnqueueAsync(NotificationKind.ReviewDecided, to, _composer.ReviewDecided(job, to.Name), job.Id, null, ct);
    });

    public Task BatchFinishedAsync(BatchOutcome batch, CancellationToken ct) => GuardAsync(nameof(BatchFinishedAsync), batch.BatchId, async () =>
    {
        if (await outbox.FindRecipientAsync(batch.OwnerId, ct) is not { } to) return;
        await outbox.EnqueueAsync(NotificationKind.BatchFinished, to, _composer.BatchFinished(batch, to.Name), null, batch.BatchId, ct, batch.FinishedAt);
    });

    private async Task<Job?> LoadJobAsync(string jobId, CancellationToken ct)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        return await context.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, ct);
    }

    private async Task GuardAsync(string what, string id, Func<Task> write)
    {
        try { await write(); }
        catch (Exception e) { log.LogError(e, "Could not record the email for {Event} of {Id}", what, id); }
    }
}
