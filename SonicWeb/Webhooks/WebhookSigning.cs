using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using SonicWeb.Storage;

namespace SonicWeb.Webhooks;

/// <summary>
/// Signs webhook calls so a receiver knows they come from this server and are fresh: the header
/// <c>X-SonicWeb-Signature: sha256=HEX</c> is HMAC-SHA256 over "<c>{timestamp}.{body}</c>" with the
/// installation's signing secret, <c>X-SonicWeb-Timestamp</c> the Unix time of the call. A receiver
/// recomputes it and rejects calls whose timestamp is older than its replay window (5 minutes
/// suggested), so a recorded call cannot be replayed later.
/// </summary>
public sealed class WebhookSigning
{
    public const string SignatureHeader = "X-SonicWeb-Signature";
    public const string TimestampHeader = "X-SonicWeb-Timestamp";
    public const string EventHeader = "X-SonicWeb-Event";
    public const string DeliveryHeader = "X-SonicWeb-Delivery";
    public const string KeyFileName = "webhook-signing-key";

    private readonly Lazy<byte[]> _secret;

    public WebhookSigning(IOptions<WebhookOptions> options, StoragePaths paths)
    {
        _secret = new(() => Encoding.UTF8.GetBytes(options.Value.SigningSecret is { Length: > 0 } configured ? configured : StoredSecret(paths)));
    }

    /// <summary>The secret receivers verify with (shown to admins on the webhooks page).</summary>
    public string Secret => Encoding.UTF8.GetString(_secret.Value);

    public string Sign(long unixTimestamp, string body) => Sign(_secret.Value, unixTimestamp, body);

    public static string Sign(byte[] secret, long unixTimestamp, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes($"{unixTimestamp}.{body}")));

    /// <summary>What a receiver does: the signature matches and the timestamp is within the replay window of now.</summary>
    public static bool Verify(string secret, string timestampHeader, string body, string signatureHeader, DateTimeOffset now, TimeSpan replayWindow) =>
        long.TryParse(timestampHeader, out var t)
        && Math.Abs(now.ToUnixTimeSeconds() - t) <= replayWindow.TotalSeconds
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(Encoding.UTF8.GetBytes(secret), t, body)), Encoding.ASCII.GetBytes(signatureHeader));

    /// <summary>A 256-bit secret made at first use and kept in the storage root, readable by the server's user only.</summary>
    private static string StoredSecret(StoragePaths paths)
    {
        var file = Path.Combine(paths.Root, KeyFileName);
        if (File.Exists(file)) return File.ReadAllText(file).Trim();
        var secret = "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        Directory.CreateDirectory(paths.Root);
        try
        {
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using var stream = new FileStream(file, create);
            stream.Write(Encoding.UTF8.GetBytes(secret));
            return secret;
        }
        catch (IOException) when (File.Exists(file)) { return File.ReadAllText(file).Trim(); } // another node wrote it first
    }
}
