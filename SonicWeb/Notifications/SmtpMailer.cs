using System.Net;
using System.Net.Mail;
using System.Text;
using Microsoft.Extensions.Options;

namespace SonicWeb.Notifications;

/// <summary>
/// Hands one email to the configured SMTP server with System.Net.Mail (no MailKit here). A new
/// connection per email: notifications are few, and a broken connection can never linger.
/// </summary>
public sealed class SmtpMailer(IOptions<EmailOptions> options)
{
    public async Task SendAsync(NotificationDelivery delivery, CancellationToken ct)
    {
        var o = options.Value;
        using var client = new SmtpClient(o.Host, o.Port)
        {
            DeliveryMethod = SmtpDeliveryMethod.Network,
            EnableSsl = o.Tls == EmailTls.StartTls,
            UseDefaultCredentials = false,
            Credentials = string.IsNullOrEmpty(o.Username) ? null : new NetworkCredential(o.Username, o.Password),
        };
        using var message = new MailMessage(new MailAddress(o.From, o.FromName), new MailAddress(delivery.RecipientEmail))
        {
            Subject = delivery.Subject,
            Body = delivery.TextBody,
            IsBodyHtml = false,
            SubjectEncoding = Encoding.UTF8,
            BodyEncoding = Encoding.UTF8,
        };
        // Lets a recipient's system (or a test) tie the message to the outbox row; a retry after a lost reply repeats it.
        message.Headers.Add("X-SonicWeb-Delivery", delivery.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(o.TimeoutSeconds));
        try { await client.SendMailAsync(message, timeout.Token); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"The SMTP server {o.Host}:{o.Port} did not answer within {o.TimeoutSeconds:0} s (Email:TimeoutSeconds).");
        }
    }
}
