using Microsoft.EntityFrameworkCore;
using SonicWeb.Data;

namespace SonicWeb.Notifications;

/// <summary>
/// Sends the outbox: every Pending row whose time has come, one at a time, oldest first, through its
/// channel (<see cref="IOutboxChannel"/>: email, webhook). A failure puts the row back with the channel's
/// exponential wait until its MaxAttempts, then marks it Failed (at once for a failure no retry can
/// cure). Every attempt is logged and kept on the row (Attempts, LastAttemptAt, LastError). Runs on its
/// own, apart from the job worker: jobs never wait for mail or receivers. Delivery is at-least-once (a
/// crash between the receiver's "OK" and saving the row sends that row again), and once per row when
/// several nodes send from one database (each row is taken before it is sent).
/// </summary>
public sealed class OutboxDispatcher(
    IDbContextFactory<SonicDbContext> db,
    IEnumerable<IOutboxChannel> channels,
    DeliverySignal signal,
    Nodes.NodeTopology topology,
    ILogger<OutboxDispatcher> log) : BackgroundService
{
    /// <summary>Longest sleep without a wake-up: picks up rows written by another process or a missed signal.</summary>
    private static readonly TimeSpan MaxIdle = TimeSpan.FromSeconds(30);
    private const int BatchSize = 20;
    private readonly Dictionary<NotificationChannel, IOutboxChannel> _channels = channels.ToDictionary(c => c.Channel);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        foreach (var channel in _channels.Values)
            log.LogInformation("Outbox channel {Channel}: {State}", channel.Channel, channel.Enabled ? "sending" : "not configured (its rows are recorded as skipped)");
        while (!stopping.IsCancellationRequested)
        {
            TimeSpan wait;
            try { wait = await SendDueAsync(stopping); }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                log.LogError(e, "Outbox sender: reading the outbox failed; trying again shortly");
                wait = TimeSpan.FromSeconds(5);
            }
            try { await signal.WaitAsync(wait, stopping); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Sends what is due and returns how long to sleep before the next row is due.</summary>
    public async Task<TimeSpan> SendDueAsync(CancellationToken ct)
    {
        var enabled = _channels.Values.Where(c => c.Enabled).Select(c => c.Channel).ToList();
        await using var context = await db.CreateDbContextAsync(ct);
        var pending = context.NotificationDeliveries.Where(d => d.Status == DeliveryStatus.Pending && enabled.Contains(d.Channel));
        var now = DateTime.UtcNow;
        var due = await pending.Where(d => d.NextAttemptAt <= now)
            .OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id).Take(BatchSize).ToListAsync(ct);
        foreach (var delivery in due)
        {
            if (topology.Shared && !await TakeAsync(context, delivery, ct)) continue; // another node's sender took it first
            await AttemptAsync(_channels[delivery.Channel], delivery, ct);
            await context.SaveChangesAsync(CancellationToken.None); // the attempt happened: record it even when stopping
        }
        if (due.Count == BatchSize) return TimeSpan.Zero;

        var next = await pending.OrderBy(d => d.NextAttemptAt).Select(d => (DateTime?)d.NextAttemptAt).FirstOrDefaultAsync(ct);
        if (next is not { } at) return MaxIdle;
        var wait = at - DateTime.UtcNow;
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > MaxIdle ? MaxIdle : wait;
    }

    /// <summary>
    /// Several nodes may send from one shared database (docs/deploy.md): a row is taken by one conditional update
    /// that moves its due time ahead by <see cref="TakenFor"/> (still Pending, same due time as read), so two
    /// senders never both send it. A sender that dies holding it lets it fall due again after that time. (One
    /// process on SQLite has no one to race: it skips this, and a row it was sending when killed goes out at once
    /// after the restart.)
    /// </summary>
    private static async Task<bool> TakeAsync(SonicDbContext context, NotificationDelivery delivery, CancellationToken ct)
    {
        var seen = delivery.NextAttemptAt;
        var until = DateTime.UtcNow + TakenFor;
        return await context.NotificationDeliveries
            .Where(d => d.Id == delivery.Id && d.Status == DeliveryStatus.Pending && d.NextAttemptAt == seen)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, until), ct) == 1;
    }

    private static readonly TimeSpan TakenFor = TimeSpan.FromMinutes(5);

    private async Task AttemptAsync(IOutboxChannel channel, NotificationDelivery delivery, CancellationToken ct)
    {
        delivery.Attempts++;
        delivery.LastAttemptAt = DateTime.UtcNow;
        try
        {
            await channel.SendAsync(delivery, ct);
            delivery.Status = DeliveryStatus.Sent;
            delivery.SentAt = DateTime.UtcNow;
            delivery.LastError = null;
            log.LogInformation("{Channel} {DeliveryId} ({Kind}) delivered for user {UserId} (attempt {Attempt})",
                channel.Channel, delivery.Id, delivery.Kind, delivery.RecipientUserId, delivery.Attempts);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            delivery.LastError = Describe(e);
            if (delivery.Attempts >= channel.MaxAttempts || channel.IsPermanent(e))
            {
                delivery.Status = DeliveryStatus.Failed;
                log.LogError("{Channel} {DeliveryId} ({Kind}) for user {UserId} failed for good after {Attempt} attempts: {Error}",
                    channel.Channel, delivery.Id, delivery.Kind, delivery.RecipientUserId, delivery.Attempts, delivery.LastError);
            }
            else
            {
                var delay = channel.RetryDelay(delivery.Attempts);
                delivery.NextAttemptAt = DateTime.UtcNow + delay;
                log.LogWarning("{Channel} {DeliveryId} ({Kind}) for user {UserId}: attempt {Attempt} of {MaxAttempts} failed ({Error}); next try in {Delay:0.#} s",
                    channel.Channel, delivery.Id, delivery.Kind, delivery.RecipientUserId, delivery.Attempts, channel.MaxAttempts, delivery.LastError, delay.TotalSeconds);
            }
        }
    }

    /// <summary>The message and its inner ones, once each (a TLS failure names the certificate problem one level down).</summary>
    private static string Describe(Exception e)
    {
        var messages = new List<string>();
        for (var x = e; x is not null; x = x.InnerException)
            if (!messages.Contains(x.Message)) messages.Add(x.Message);
        var text = string.Join("; ", messages);
        return text.Length > 1000 ? text[..1000] : text;
    }
}
