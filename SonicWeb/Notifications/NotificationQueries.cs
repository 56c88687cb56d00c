using Microsoft.EntityFrameworkCore;
using SonicWeb.Data;

namespace SonicWeb.Notifications;

/// <summary>Counts per status over the whole outbox.</summary>
public sealed record DeliveryCounts(int Pending, int Sent, int Failed, int Skipped);

/// <summary>Read side of the outbox's emails, for the admin page (webhook calls: Webhooks/WebhookQueries).</summary>
public sealed class NotificationQueries(IDbContextFactory<SonicDbContext> db)
{
    public const int PageSize = 100;

    /// <summary>Newest first. "problems" = Failed, plus Pending rows that have already failed at least once.</summary>
    public async Task<IReadOnlyList<NotificationDelivery>> RecentAsync(DeliveryStatus? status, bool problemsOnly, CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        IQueryable<NotificationDelivery> rows = Emails(context);
        if (status is { } s) rows = rows.Where(d => d.Status == s);
        if (problemsOnly) rows = rows.Where(d => d.Status == DeliveryStatus.Failed || (d.Status == DeliveryStatus.Pending && d.LastError != null));
        return await rows.OrderByDescending(d => d.Id).Take(PageSize).ToListAsync(ct);
    }

    public async Task<DeliveryCounts> CountsAsync(CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        var counts = await Emails(context).GroupBy(d => d.Status)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        return new(counts.GetValueOrDefault(DeliveryStatus.Pending), counts.GetValueOrDefault(DeliveryStatus.Sent),
            counts.GetValueOrDefault(DeliveryStatus.Failed), counts.GetValueOrDefault(DeliveryStatus.Skipped));
    }

    private static IQueryable<NotificationDelivery> Emails(SonicDbContext context) =>
        context.NotificationDeliveries.AsNoTracking().Where(d => d.Channel == NotificationChannel.Email);
}
