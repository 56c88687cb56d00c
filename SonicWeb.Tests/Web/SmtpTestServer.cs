using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace SonicWeb.Tests.Web;

/// <summary>
/// One message as the SMTP server received it: the envelope, headers and text decoded by Python's email
/// package, and the TLS version of the connection it came over ("" for plain SMTP).
/// </summary>
public sealed record ReceivedMail(string MailFrom, IReadOnlyList<string> RcptTos, string To, string From, string Subject, string Text, string DeliveryHeader, string Tls);

/// <summary>How the test server speaks: plain SMTP, STARTTLS required before mail, or implicit TLS (SMTPS).</summary>
public enum SmtpTestTls { None, StartTls, Implicit }

/// <summary>
/// A real SMTP server on loopback: Debian's python3-aiosmtpd (scripts/install-prereqs.sh test),
/// started as `/usr/bin/python3 -m aiosmtpd` with a small handler, written here, that saves each
/// message as a JSON file. Stopping it and starting another on the same port simulates an outage. With
/// TLS it uses a throwaway self-signed certificate made by openssl for this server only
/// (<see cref="CertificateSha256"/> is what a client must pin to trust it).
/// </summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    // The handler aiosmtpd loads with -c: envelope + parsed message into <folder>/NNNN.json (atomic rename).
    private const string HandlerModule = """
        import email, email.policy, json, os

        class JsonMailbox:
            def __init__(self, folder):
                self.folder = folder
                os.makedirs(folder, exist_ok=True)

            @classmethod
            def from_cli(cls, parser, *args):
                return cls(args[0])

            async def handle_DATA(self, server, session, envelope):
                # After STARTTLS or on an SMTPS connection the transport is TLS; its version proves it.
                tls = server.transport.get_extra_info("ssl_object")
                message = email.message_from_bytes(envelope.content, policy=email.policy.default)
                body = message.get_body(preferencelist=("plain",))
                record = {
                    "mailFrom": envelope.mail_from,
                    "rcptTos": list(envelope.rcpt_tos),
                    "to": str(message["To"] or ""),
                    "from": str(message["From"] or ""),
                    "subject": str(message["Subject"] or ""),
                    # Line ends as the sender wrote them: SMTP carries CRLF, base64 bodies keep LF.
                    "text": body.get_content().replace("\r\n", "\n") if body is not None else "",
                    "deliveryHeader": str(message["X-SonicWeb-Delivery"] or ""),
                    "tls": tls.version() if tls is not None else "",
                }
                count = len([n for n in os.listdir(self.folder) if n.endswith(".json")])
                temp = os.path.join(self.folder, "incoming.tmp")
                with open(temp, "w", encoding="utf-8") as f:
                    json.dump(record, f)
                os.replace(temp, os.path.join(self.folder, f"{count + 1:04d}.json"))
                return "250 Message accepted for delivery"
        """;

    private readonly Process _process;
    private readonly string _folder;

    private SmtpTestServer(Process process, string folder, int port, string? certificateSha256)
        => (_process, _folder, Port, CertificateSha256) = (process, folder, port, certificateSha256);

    public int Port { get; }

    /// <summary>SHA-256 of the server's self-signed certificate (hex), or null for a plain server.</summary>
    public string? CertificateSha256 { get; }

    /// <summary>A loopback port nothing listens on right now.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static async Task<SmtpTestServer> StartAsync(int? port = null, SmtpTestTls tls = SmtpTestTls.None)
    {
        int p = port ?? FreePort();
        var folder = Directory.CreateTempSubdirectory("sonicweb-smtp-").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "sonic_test_mailbox.py"), HandlerModule);
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            ArgumentList = { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{p}" },
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
            Environment = { ["PYTHONPATH"] = folder },
        };
        string? sha256 = null;
        if (tls != SmtpTestTls.None)
        {
            var (certificate, key) = MakeSelfSignedCertificate(folder);
            sha256 = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(
                System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(certificate)).RawData));
            // STARTTLS: aiosmtpd refuses MAIL until the client has switched to TLS (require_starttls).
            foreach (var a in tls == SmtpTestTls.StartTls ? new[] { "--tlscert", certificate, "--tlskey", key } : ["--smtpscert", certificate, "--smtpskey", key])
                start.ArgumentList.Add(a);
        }
        foreach (var a in new[] { "-c", "sonic_test_mailbox.JsonMailbox", Path.Combine(folder, "mail") }) start.ArgumentList.Add(a);
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start python3 -m aiosmtpd");
        var server = new SmtpTestServer(process, folder, p, sha256);
        var until = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"aiosmtpd exited ({process.ExitCode}): {await process.StandardError.ReadToEndAsync()} "
                    + "(is python3-aiosmtpd installed? scripts/install-prereqs.sh test)");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, p);
                return server;
            }
            catch (SocketException) when (DateTime.UtcNow < until) { await Task.Delay(100); }
        }
    }

    /// <summary>A throwaway RSA certificate for CN=localhost / 127.0.0.1, valid for a day, made by openssl.</summary>
    private static (string Certificate, string Key) MakeSelfSignedCertificate(string folder)
    {
        string certificate = Path.Combine(folder, "cert.pem"), key = Path.Combine(folder, "key.pem");
        TestSupport.TestMedia.Run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate,
            "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        return (certificate, key);
    }

    public IReadOnlyList<ReceivedMail> Received()
    {
        var mail = Path.Combine(_folder, "mail");
        if (!Directory.Exists(mail)) return [];
        return Directory.GetFiles(mail, "*.json").Order()
            .Select(f => JsonSerializer.Deserialize<ReceivedMail>(File.ReadAllText(f), WebTestKit.Json)!).ToList();
    }

    /// <summary>The first received message that matches, waiting up to <paramref name="timeout"/>.</summary>
    public async Task<ReceivedMail> WaitForAsync(Func<ReceivedMail, bool> match, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var found = Received().FirstOrDefault(match);
            if (found is not null) return found;
            if (DateTime.UtcNow > until)
                throw new TimeoutException($"no matching email within {timeout.TotalSeconds:0} s; received: "
                    + string.Join(" | ", Received().Select(m => $"{string.Join(",", m.RcptTos)}: {m.Subject}")));
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
