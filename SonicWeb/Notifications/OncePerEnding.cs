using Microsoft.EntityFrameworkCore;
using SonicWeb.Data;

namespace SonicWeb.Notifications;

/// <summary>
/// Writes an outbox row that announces a job's or a batch's end at most once per channel. The job's finish handlers
/// and <see cref="MissedFinishNotices"/> on any node may write the same row at the same moment; the unique index on
/// (job or batch, channel, kind, <see cref="NotificationDelivery.AnnouncesFinishAt"/>) lets one insert through and
/// refuses the other, whatever the database's isolation. The refused writer finds the winner's row and stops.
/// A writer looks for the row first: EF Core logs every refused SaveChanges as an error, and a catch-up pass that comes
/// after the handler (the usual case) would otherwise leave one such error per notice in the log. Only writers that
/// really race still meet the index.
/// </summary>
public static class OncePerEnding
{
    /// <summary>Adds <paramref name="row"/>; null when written, else the row already announcing this ending.</summary>
    public static async Task<NotificationDelivery?> AddAsync(IDbContextFactory<SonicDbContext> db, NotificationDelivery row, CancellationToken ct)
    {
        if (row.AnnouncesFinishAt is not null && await FindTwinAsync(db, row, ct) is { } earlier) return earlier;
        try
        {
            await using var context = await db.CreateDbContextAsync(ct);
            context.NotificationDeliveries.Add(row);
            await context.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateException) when (row.AnnouncesFinishAt is not null)
        {
            // Any refused insert of such a row: if the twin is there, this was the unique index; otherwise a real failure.
            var twin = await FindTwinAsync(db, row, ct);
            if (twin is null) throw;
            return twin;
        }
    }

    /// <summary>The row already announcing the same ending on the same channel, if there is one.</summary>
    private static async Task<NotificationDelivery?> FindTwinAsync(IDbContextFactory<SonicDbContext> db, NotificationDelivery row, CancellationToken ct)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        return await context.NotificationDeliveries.AsNoTracking()
            .Where(d => d.Channel == row.Channel && d.Kind == row.Kind && d.AnnouncesFinishAt == row.AnnouncesFinishAt
                        && (row.JobId != null ? d.JobId == row.JobId : d.JobId == null && d.BatchId == row.BatchId))
            .FirstOrDefaultAsync(ct);
    }
}
