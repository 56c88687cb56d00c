using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SonicWeb.Data;
using SonicWeb.Notifications;
using static SonicWeb.Tests.Web.EmailNotificationTests;

namespace SonicWeb.Tests.Web;

/// <summary>
/// How the app reaches the mail server (MailKit): plain, STARTTLS and implicit TLS against a real
/// aiosmtpd on loopback with a throwaway self-signed certificate that only the pinned setting makes
/// trusted, and a server that accepts connections but never greets (the connection timeout). Each
/// email goes through the app's outbox, sent from the admin page's test button.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class EmailTransportTests
{
    [Fact]
    public async Task Plain_smtp_delivers_without_tls()
    {
        await using var smtp = await SmtpTestServer.StartAsync();
        using var host = new WebTestHost(settings: EmailSettings(smtp.Port));

        var mail = await SendTestEmailAsync(host, smtp);
        Assert.Equal("", mail.Tls);
    }

    [Theory]
    [InlineData(SmtpTestTls.StartTls, "StartTls")]
    [InlineData(SmtpTestTls.Implicit, "Implicit")]
    public async Task Tls_delivers_to_a_server_whose_self_signed_certificate_is_pinned(SmtpTestTls mode, string setting)
    {
        await using var smtp = await SmtpTestServer.StartAsync(tls: mode);
        var settings = TlsSettings(smtp, setting, retrySeconds: 1);
        // openssl's way of writing it: pairs of hex digits separated by colons.
        settings["Email:TrustedCertificateSha256"] = string.Join(":", smtp.CertificateSha256!.Chunk(2).Select(c => new string(c)));
        using var host = new WebTestHost(settings: settings);

        var mail = await SendTestEmailAsync(host, smtp);
        Assert.StartsWith("TLSv1.", mail.Tls);
    }

    [Theory]
    [InlineData(SmtpTestTls.StartTls, "StartTls")]
    [InlineData(SmtpTestTls.Implicit, "Implicit")]
    public async Task An_untrusted_certificate_is_refused_and_the_outbox_says_why(SmtpTestTls mode, string setting)
    {
        await using var smtp = await SmtpTestServer.StartAsync(tls: mode);
        using var host = new WebTestHost(settings: TlsSettings(smtp, setting, retrySeconds: 60));

        await PressTestButtonAsync(host);
        var row = await WaitForRowAsync(host, d => d.Attempts >= 1);
        Assert.Equal(DeliveryStatus.Pending, row.Status);
        Assert.Contains("certificate", row.LastError, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(smtp.Received());
    }

    [Fact]
    public async Task Plain_smtp_to_a_server_that_requires_starttls_is_refused()
    {
        await using var smtp = await SmtpTestServer.StartAsync(tls: SmtpTestTls.StartTls);
        using var host = new WebTestHost(settings: EmailSettings(smtp.Port, retrySeconds: 60)); // Email:Tls = None

        await PressTestButtonAsync(host);
        var row = await WaitForRowAsync(host, d => d.Attempts >= 1);
        Assert.Equal(DeliveryStatus.Pending, row.Status);
        Assert.Contains("STARTTLS", row.LastError);
        Assert.Empty(smtp.Received());
    }

    [Fact]
    public async Task A_server_that_never_greets_fails_after_the_connect_timeout_and_is_retried()
    {
        // Accepts TCP connections and says nothing: the SMTP greeting never comes.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<TcpClient>();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                try { lock (accepted) accepted.Add(silent.AcceptTcpClient()); }
                catch (SocketException) { return; }
                catch (ObjectDisposedException) { return; }
                await Task.Yield();
            }
        });
        var settings = EmailSettings(((IPEndPoint)silent.LocalEndpoint).Port, retrySeconds: 1);
        settings["Email:ConnectTimeoutSeconds"] = "1.5";
        using var host = new WebTestHost(settings: settings);

        await PressTestButtonAsync(host);
        var row = await WaitForRowAsync(host, d => d.Attempts >= 2);
        Assert.Equal(DeliveryStatus.Pending, row.Status);
        Assert.Contains("within 1.5 s (Email:ConnectTimeoutSeconds)", row.LastError);
        silent.Stop();
        lock (accepted) accepted.ForEach(c => c.Dispose());
    }

    [Fact]
    public void A_pinned_certificate_must_be_a_sha256_and_the_connect_timeout_positive()
    {
        var options = new EmailOptions { Host = "smtp.example", From = "a@b.example", TrustedCertificateSha256 = "AB:CD", ConnectTimeoutSeconds = 0 };
        var problems = options.Problems().ToList();
        Assert.Contains(problems, p => p.StartsWith("Email:TrustedCertificateSha256"));
        Assert.Contains(problems, p => p.StartsWith("Email:ConnectTimeoutSeconds"));
        Assert.Empty(new EmailOptions { Host = "smtp.example", From = "a@b.example", TrustedCertificateSha256 = new string('a', 64) }.Problems());
    }

    private static Dictionary<string, string> TlsSettings(SmtpTestServer smtp, string tls, double retrySeconds)
    {
        var settings = EmailSettings(smtp.Port, retrySeconds);
        settings["Email:Tls"] = tls;
        return settings;
    }

    /// <summary>The admin page's "send me a test email" button, then the message as the server received it.</summary>
    private static async Task<ReceivedMail> SendTestEmailAsync(WebTestHost host, SmtpTestServer smtp)
    {
        await PressTestButtonAsync(host);
        var mail = await smtp.WaitForAsync(m => m.RcptTos.Contains(WebTestHost.AdminEmail), TimeSpan.FromSeconds(30));
        var row = await WaitForRowAsync(host, d => d.Status == DeliveryStatus.Sent);
        Assert.Equal(row.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), mail.DeliveryHeader);
        Assert.Contains("sonicweb@sonic.example.test", mail.From);
        Assert.False(string.IsNullOrWhiteSpace(mail.Subject));
        return mail;
    }

    private static async Task PressTestButtonAsync(WebTestHost host)
    {
        var page = await host.Http.GetStringAsync("/admin/notifications");
        using var response = await host.Http.PostAsync("/admin/notifications/test", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["__RequestVerificationToken"] = Token(page) }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("queued", response.Headers.Location?.OriginalString);
    }

    private static async Task<NotificationDelivery> WaitForRowAsync(WebTestHost host, Func<NotificationDelivery, bool> match)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using (var context = await host.Services.GetRequiredService<IDbContextFactory<SonicDbContext>>().CreateDbContextAsync())
            {
                var rows = await context.NotificationDeliveries.AsNoTracking().ToListAsync();
                if (rows.FirstOrDefault(match) is { } found) return found;
                if (DateTime.UtcNow > until)
                    throw new TimeoutException("no matching delivery; have: " + string.Join(" | ", rows.Select(r => $"{r.Id} {r.Status} {r.Attempts} {r.LastError}")));
            }
            await Task.Delay(200);
        }
    }
}
