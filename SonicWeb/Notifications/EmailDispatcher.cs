using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SonicWeb.Data;

namespace SonicWeb.Notifications;

/// <summary>
/// Sends the outbox: every Pending row whose time has come, one at a time, oldest first. A failure
/// puts the row back with an exponential wait (Email:RetryInitialSeconds doubling up to
/// RetryMaxSeconds) until Email:MaxAttempts, then marks it Failed. Every attempt is logged. Runs on
/// its own, apart from the job worker: jobs never wait for mail. Delivery is at-least-once (a crash
/// between the server's "OK" and saving the row sends that email again).
/// </summary>
public sealed class EmailDispatcher(
    IDbContextFactory<SonicDbContext> db,
    SmtpMailer mailer,
    DeliverySignal signal,
    IOptions<EmailOptions> options,
    ILogger<EmailDispatcher> log) : BackgroundService
{
    /// <summary>Longest sleep without a wake-up: picks up rows written by another process or a missed signal.</summary>
    private static readonly TimeSpan MaxIdle = TimeSpan.FromSeconds(30);
    private const int BatchSize = 20;

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        if (!options.Value.Enabled)
        {
            log.LogInformation("Email is not configured (Email:Host is empty): notifications are recorded as skipped");
            return;
        }
        log.LogInformation("Email sender started: {Host}:{Port} ({Tls}), from {From}", options.Value.Host, options.Value.Port, options.Value.Tls, options.Value.From);
        while (!stopping.IsCancellationRequested)
        {
            TimeSpan wait;
            try { wait = await SendDueAsync(stopping); }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                log.LogError(e, "Email sender: reading the outbox failed; trying again shortly");
                wait = TimeSpan.FromSeconds(5);
            }
            try { await signal.WaitAsync(wait, stopping); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Sends what is due and returns how long to sleep before the next row is due.</summary>
    public async Task<TimeSpan> SendDueAsync(CancellationToken ct)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        var now = DateTime.UtcNow;
        var due = await context.NotificationDeliveries
            .Where(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now)
            .OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id).Take(BatchSize).ToListAsync(ct);
        foreach (var delivery in due)
        {
            await AttemptAsync(delivery, ct);
            await context.SaveChangesAsync(CancellationToken.None); // the attempt happened: record it even when stopping
        }
        if (due.Count == BatchSize) return TimeSpan.Zero;

        var next = await context.NotificationDeliveries.Where(d => d.Status == DeliveryStatus.Pending)
            .OrderBy(d => d.NextAttemptAt).Select(d => (DateTime?)d.NextAttemptAt).FirstOrDefaultAsync(ct);
        if (next is not { } at) return MaxIdle;
        var wait = at - DateTime.UtcNow;
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > MaxIdle ? MaxIdle : wait;
    }

    private async Task AttemptAsync(NotificationDelivery delivery, CancellationToken ct)
    {
        var o = options.Value;
        delivery.Attempts++;
        delivery.LastAttemptAt = DateTime.UtcNow;
        try
        {
            await mailer.SendAsync(delivery, ct);
            delivery.Status = DeliveryStatus.Sent;
            delivery.SentAt = DateTime.UtcNow;
            delivery.LastError = null;
            log.LogInformation("Email {DeliveryId} ({Kind}) sent to user {UserId} (attempt {Attempt})",
                delivery.Id, delivery.Kind, delivery.RecipientUserId, delivery.Attempts);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            delivery.LastError = Describe(e);
            if (delivery.Attempts >= o.MaxAttempts)
            {
                delivery.Status = DeliveryStatus.Failed;
                log.LogError("Email {DeliveryId} ({Kind}) to user {UserId} failed for good after {Attempt} attempts: {Error}",
                    delivery.Id, delivery.Kind, delivery.RecipientUserId, delivery.Attempts, delivery.LastError);
            }
            else
            {
                var delay = o.RetryDelay(delivery.Attempts);
                delivery.NextAttemptAt = DateTime.UtcNow + delay;
                log.LogWarning("Email {DeliveryId} ({Kind}) to user {UserId}: attempt {Attempt} of {MaxAttempts} failed ({Error}); next try in {Delay:0} s",
                    delivery.Id, delivery.Kind, delivery.RecipientUserId, delivery.Attempts, o.MaxAttempts, delivery.LastError, delay.TotalSeconds);
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
