using Microsoft.Extensions.Options;

namespace SonicWeb.Notifications;

/// <summary>How an outbox row is delivered: an email through SMTP, or a webhook call over HTTP.</summary>
public enum NotificationChannel { Email, Webhook }

/// <summary>
/// One way of delivering outbox rows: <see cref="OutboxDispatcher"/> picks due rows of every enabled
/// channel and asks the channel to send each, with the channel's own retry schedule.
/// </summary>
public interface IOutboxChannel
{
    NotificationChannel Channel { get; }
    /// <summary>False: rows of this channel are left alone (e.g. email without Email:Host).</summary>
    bool Enabled { get; }
    int MaxAttempts { get; }
    TimeSpan RetryDelay(int attemptsSoFar);
    /// <summary>A failure no retry can cure (the row fails at once).</summary>
    bool IsPermanent(Exception e);
    Task SendAsync(NotificationDelivery delivery, CancellationToken ct);
}

/// <summary>Email rows go to the SMTP server (Email:*), retried after Email:RetryInitialSeconds doubling up to RetryMaxSeconds.</summary>
public sealed class EmailChannel(SmtpMailer mailer, IOptions<EmailOptions> options) : IOutboxChannel
{
    public NotificationChannel Channel => NotificationChannel.Email;
    public bool Enabled => options.Value.Enabled;
    public int MaxAttempts => options.Value.MaxAttempts;
    public TimeSpan RetryDelay(int attemptsSoFar) => options.Value.RetryDelay(attemptsSoFar);
    public bool IsPermanent(Exception e) => false;
    public Task SendAsync(NotificationDelivery delivery, CancellationToken ct) => mailer.SendAsync(delivery, ct);
}
