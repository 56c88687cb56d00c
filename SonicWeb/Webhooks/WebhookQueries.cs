using Microsoft.EntityFrameworkCore;
using SonicWeb.Data;
using SonicWeb.Notifications;

namespace SonicWeb.Webhooks;

/// <summary>One webhook call in the outbox, with its attempts so far.</summary>
public sealed record WebhookAttempt(
    long Id, string? JobId, string Event, string Target, DeliveryStatus Status, int Attempts,
    DateTime CreatedAt, DateTime? LastAttemptAt, DateTime? NextAttemptAt, DateTime? DeliveredAt, string? LastError);

/// <summary>Read side of the webhook calls: the job's component, the admin page and GET /api/jobs/{id}/webhooks.</summary>
public sealed class WebhookQueries(IDbContextFactory<SonicDbContext> db)
{
    public const int PageSize = 100;

    public async Task<IReadOnlyList<WebhookAttempt>> ForJobAsync(string jobId, CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        return await Select(Webhooks(context).Where(d => d.JobId == jobId).OrderBy(d => d.Id)).ToListAsync(ct);
    }

    /// <summary>Newest first; "problems" = Failed, plus Pending rows that have already failed at least once.</summary>
    public async Task<IReadOnlyList<WebhookAttempt>> RecentAsync(bool problemsOnly, CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        var rows = Webhooks(context);
        if (problemsOnly) rows = rows.Where(d => d.Status == DeliveryStatus.Failed || (d.Status == DeliveryStatus.Pending && d.LastError != null));
        return await Select(rows.OrderByDescending(d => d.Id).Take(PageSize)).ToListAsync(ct);
    }

    private static IQueryable<NotificationDelivery> Webhooks(SonicDbContext context) =>
        context.NotificationDeliveries.AsNoTracking().Where(d => d.Channel == NotificationChannel.Webhook);

    private static IQueryable<WebhookAttempt> Select(IQueryable<NotificationDelivery> rows) => rows.Select(d => new WebhookAttempt(
        d.Id, d.JobId, d.Subject, d.TargetUrl ?? "", d.Status, d.Attempts, d.CreatedAt, d.LastAttemptAt,
        d.Status == DeliveryStatus.Pending ? d.NextAttemptAt : null, d.SentAt, d.LastError));
}
