using Microsoft.EntityFrameworkCore;
using SonicWeb.Data;

namespace SonicWeb.Notifications;

/// <summary>
/// At start, tells the owners of jobs that finished just before the app died and were never told. A job's end
/// is committed first and its handlers run after; an app killed in between (power cut, SIGKILL) left a finished
/// job without its notice. Every single job that succeeded or failed normally has its JobFinished outbox row
/// (written as Skipped when email is off or the owner opted out), so a missing row within the look-back means
/// the notice was lost. The look-back keeps an upgrade from mailing about old history.
/// </summary>
public sealed class MissedFinishNotices(IDbContextFactory<SonicDbContext> dbFactory, IUserNotifications notifications,
    DatabaseOptions database, ILogger<MissedFinishNotices> log) : IHostedService
{
    /// <summary>Jobs that finished longer ago than this are not announced late.</summary>
    public static readonly TimeSpan LookBack = TimeSpan.FromHours(24);

    /// <summary>
    /// With a shared database another node may be between a job's end and its notice right now: jobs that
    /// ended this recently are its to announce, not lost.
    /// </summary>
    public static readonly TimeSpan SharedGrace = TimeSpan.FromMinutes(2);

    public async Task StartAsync(CancellationToken ct)
    {
        var since = DateTime.UtcNow - LookBack;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var told = db.Set<NotificationDelivery>().Where(d => d.Kind == NotificationKind.JobFinished && d.JobId != null).Select(d => d.JobId);
        var finished = db.Jobs.AsQueryable();
        if (database.Shared)
        {
            var before = DateTime.UtcNow - SharedGrace;
            finished = finished.Where(j => j.FinishedAt < before);
        }
        var missed = await finished
            .Where(j => j.BatchId == null && j.OwnerId != null && j.FinishedAt >= since
                        && (j.Status == JobStatus.Succeeded || j.Status == JobStatus.Failed) && !told.Contains(j.Id))
            .Select(j => j.Id).ToListAsync(ct);
        foreach (var jobId in missed)
        {
            log.LogWarning("Job {JobId} finished before the app stopped without its owner being told; telling them now", jobId);
            await notifications.JobFinishedAsync(jobId, ct);
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
