namespace SonicWeb.Notifications;

public enum EmailTls
{
    /// <summary>Plain SMTP (a relay on the same machine or network); never upgraded to TLS.</summary>
    None,
    /// <summary>STARTTLS on the submission port (usually 587): the connection must switch to TLS before anything is sent.</summary>
    StartTls,
    /// <summary>Implicit TLS (SMTPS, usually port 465): TLS from the first byte.</summary>
    Implicit,
}

/// <summary>
/// Section "Email": the SMTP server that sends notifications, and how hard to try. With no Host,
/// nothing is sent and every notification is recorded as skipped (the admin page says so).
/// </summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    public string? Host { get; set; }
    public int Port { get; set; } = 25;
    public EmailTls Tls { get; set; } = EmailTls.None;
    /// <summary>
    /// SHA-256 of the SMTP server's certificate (hex; colons and spaces allowed), accepted even though no
    /// trusted authority signed it: for a relay with a self-signed certificate, and for tests. Any other
    /// certificate must still be valid for Host. Empty = ordinary validation only.
    /// </summary>
    public string? TrustedCertificateSha256 { get; set; }
    /// <summary>With a user name, the client authenticates (use StartTls or Implicit so the password is not sent in clear).</summary>
    public string? Username { get; set; }
    public string? Password { get; set; }
    /// <summary>Sender address, e.g. "sonicweb@example.com"; required when Host is set.</summary>
    public string From { get; set; } = "";
    public string FromName { get; set; } = "SonicWeb";
    /// <summary>How people reach the app: links in emails are this plus the page's path.</summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:5000";

    /// <summary>Wait after the first failed attempt; doubled after each further failure, up to RetryMaxSeconds.</summary>
    public double RetryInitialSeconds { get; set; } = 30;
    public double RetryMaxSeconds { get; set; } = 3600;
    /// <summary>Attempts before a delivery is marked Failed (the default spreads about 19 hours).</summary>
    public int MaxAttempts { get; set; } = 24;
    /// <summary>Longest wait for one SMTP conversation.</summary>
    public double TimeoutSeconds { get; set; } = 30;
    /// <summary>Longest wait for a connection: TCP, the TLS handshake and the server's greeting.</summary>
    public double ConnectTimeoutSeconds { get; set; } = 10;

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    /// <summary>Wait before the next attempt after <paramref name="failedAttempts"/> failures (1, 2, ...): exponential, capped.</summary>
    public TimeSpan RetryDelay(int failedAttempts)
    {
        var seconds = RetryInitialSeconds * Math.Pow(2, Math.Clamp(failedAttempts - 1, 0, 30));
        return TimeSpan.FromSeconds(Math.Min(seconds, RetryMaxSeconds));
    }

    /// <summary>An absolute link to a page of the app ("/jobs/abc" becomes "https://host/jobs/abc").</summary>
    public string Link(string path) => PublicBaseUrl.TrimEnd('/') + "/" + path.TrimStart('/');

    /// <summary>A thumbprint as written by openssl ("AB:CD:...") or by hand ("ab cd ..."), reduced to hex digits.</summary>
    public static string NormaliseThumbprint(string thumbprint) => thumbprint.Replace(":", "").Replace(" ", "").Trim();

    /// <summary>Problems with the settings, for start-up validation (empty when they are usable).</summary>
    public IEnumerable<string> Problems()
    {
        if (RetryInitialSeconds <= 0 || RetryMaxSeconds < RetryInitialSeconds) yield return "Email:RetryInitialSeconds must be positive and at most Email:RetryMaxSeconds";
        if (MaxAttempts < 1) yield return "Email:MaxAttempts must be at least 1";
        if (TimeoutSeconds <= 0) yield return "Email:TimeoutSeconds must be positive";
        if (ConnectTimeoutSeconds <= 0) yield return "Email:ConnectTimeoutSeconds must be positive";
        if (TrustedCertificateSha256 is { Length: > 0 } pin && !System.Text.RegularExpressions.Regex.IsMatch(NormaliseThumbprint(pin), "^[0-9A-Fa-f]{64}$"))
            yield return "Email:TrustedCertificateSha256 must be the certificate's SHA-256 as 64 hex digits (colons or spaces between them are allowed)";
        if (!Enabled) yield break;
        if (Port is < 1 or > 65535) yield return $"Email:Port is {Port}; it must be 1..65535";
        if (!System.Net.Mail.MailAddress.TryCreate(From, out _)) yield return $"Email:From is '{From}'; it must be an email address when Email:Host is set";
        if (!Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            yield return $"Email:PublicBaseUrl is '{PublicBaseUrl}'; it must be an absolute http(s) address (links in emails use it)";
    }
}
