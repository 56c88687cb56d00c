using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace SonicWeb.Notifications;

/// <summary>
/// Hands one email to the configured SMTP server with MailKit: plain, STARTTLS or implicit TLS
/// (Email:Tls), signing in when Email:Username is set. A new connection per email: notifications are
/// few, and a broken connection can never linger. Connecting (TCP, TLS handshake and the server's
/// greeting) is bounded by Email:ConnectTimeoutSeconds, the whole conversation by Email:TimeoutSeconds.
/// </summary>
public sealed class SmtpMailer(IOptions<EmailOptions> options)
{
    public async Task SendAsync(NotificationDelivery delivery, CancellationToken ct)
    {
        var o = options.Value;
        var host = o.Host ?? throw new InvalidOperationException("Email:Host is not set; the dispatcher only sends when it is.");
        using var message = Compose(o, delivery);
        using var client = new SmtpClient { Timeout = (int)(o.TimeoutSeconds * 1000) };
        if (o.TrustedCertificateSha256 is { Length: > 0 } pinned)
            client.ServerCertificateValidationCallback = (_, certificate, _, errors) => errors == SslPolicyErrors.None || Matches(certificate, pinned);

        using var conversation = CancellationTokenSource.CreateLinkedTokenSource(ct);
        conversation.CancelAfter(TimeSpan.FromSeconds(o.TimeoutSeconds));
        try
        {
            using (var connecting = CancellationTokenSource.CreateLinkedTokenSource(conversation.Token))
            {
                connecting.CancelAfter(TimeSpan.FromSeconds(o.ConnectTimeoutSeconds));
                try { await client.ConnectAsync(host, o.Port, SocketOptions(o.Tls), connecting.Token); }
                catch (OperationCanceledException) when (!conversation.IsCancellationRequested)
                {
                    throw new TimeoutException($"Could not connect to the SMTP server {o.Host}:{o.Port} ({o.Tls}) within {o.ConnectTimeoutSeconds:0.#} s (Email:ConnectTimeoutSeconds).");
                }
            }
            if (!string.IsNullOrEmpty(o.Username))
                await client.AuthenticateAsync(o.Username, o.Password ?? "", conversation.Token);
            await client.SendAsync(message, conversation.Token);
            await client.DisconnectAsync(quit: true, conversation.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"The SMTP server {o.Host}:{o.Port} did not answer within {o.TimeoutSeconds:0.#} s (Email:TimeoutSeconds).");
        }
    }

    private static MimeMessage Compose(EmailOptions o, NotificationDelivery delivery)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(o.FromName, o.From));
        message.To.Add(MailboxAddress.Parse(delivery.RecipientEmail));
        message.Subject = delivery.Subject;
        message.Body = new TextPart(MimeKit.Text.TextFormat.Plain) { Text = delivery.TextBody };
        // Lets a recipient's system (or a test) tie the message to the outbox row; a retry after a lost reply repeats it.
        message.Headers.Add("X-SonicWeb-Delivery", delivery.Id.ToString(CultureInfo.InvariantCulture));
        return message;
    }

    private static SecureSocketOptions SocketOptions(EmailTls tls) => tls switch
    {
        EmailTls.StartTls => SecureSocketOptions.StartTls,
        EmailTls.Implicit => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.None,
    };

    /// <summary>The server's certificate is the one the operator pinned (its SHA-256, hex; separators ignored).</summary>
    private static bool Matches(X509Certificate? certificate, string pinnedSha256)
    {
        if (certificate is null) return false;
        var actual = Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData()));
        return string.Equals(actual, EmailOptions.NormaliseThumbprint(pinnedSha256), StringComparison.OrdinalIgnoreCase);
    }
}
