using Microsoft.EntityFrameworkCore;
using SonicWeb.Data;

namespace SonicWeb.Notifications;

/// <summary>
/// Writes an outbox row that announces a job's or a batch's end at most once per channel. The job's finish handlers
/// and <see cref="MissedFinishNotices"/> on any node may write the same row at the same moment; the unique index on
/// (job or batch, channel, kind, <see cref="NotificationDelivery.AnnouncesFinishAt"/>) lets one insert through and
/// refuses the other, whatever the database's isolation. The refused writer finds the winner's row and stops.
/// </summary>
public static class OncePerEnding
{
    /// <summary>Adds <paramref name="row"/>; null when written, else the row already announcing this ending.</summary>
    public static async Task<NotificationDelivery?> AddAsync(IDbContextFactory<SonicDbContext> db, NotificationDelivery row, CancellationToken ct)
    {
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
            await using var context = await db.CreateDbContextAsync(ct);
            var twin = await context.NotificationDeliveries.AsNoTracking()
                .Where(d => d.Channel == row.Channel && d.Kind == row.Kind && d.AnnouncesFinishAt == row.AnnouncesFinishAt
                            && (row.JobId != null ? d.JobId == row.JobId : d.JobId == null && d.BatchId == row.BatchId))
                .FirstOrDefaultAsync(ct);
            if (twin is null) throw;
            return twin;
        }
    }
}
