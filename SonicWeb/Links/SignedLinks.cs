using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using SonicWeb.Storage;

namespace SonicWeb.Links;

/// <summary>The files of a job a signed link can open.</summary>
public enum LinkedFile { Video, Preview, Thumbnail }

/// <summary>A job's files as signed links (paths; make them absolute with <see cref="PublicAddress"/>), and when they stop working.</summary>
public sealed record SignedJobLinks(string Video, string Preview, string Thumbnail, DateTime ExpiresAt);

/// <summary>What a presented link turned out to be.</summary>
public abstract record LinkCheck
{
    public sealed record Valid(string JobId, LinkedFile File) : LinkCheck;
    public sealed record Expired(DateTime At) : LinkCheck;
    public sealed record Invalid : LinkCheck;
}

/// <summary>
/// Download links that work on their own, without an API key or cookie, for a while (Links:LifetimeSeconds),
/// like a hosted service's result URL. The token is "job id, file, expiry" protected by ASP.NET Core data
/// protection (AES-256 with an HMAC-SHA256 over it, keys rotated and kept by the framework): a changed
/// character anywhere makes it invalid, and nobody without the keys can make one. A link dies when it
/// expires or when the job is deleted (the serving endpoint looks the job up on every request).
/// </summary>
public sealed class SignedLinks(IDataProtectionProvider protection, IOptions<ProgramLinkOptions> options, TimeProvider clock)
{
    public const string RoutePrefix = "/api/links";
    private readonly IDataProtector _protector = protection.CreateProtector("SonicWeb.SignedLinks.v1");

    public SignedJobLinks For(string jobId)
    {
        var expires = clock.GetUtcNow().UtcDateTime + options.Value.Lifetime;
        return new SignedJobLinks(PathFor(jobId, LinkedFile.Video, expires), PathFor(jobId, LinkedFile.Preview, expires),
            PathFor(jobId, LinkedFile.Thumbnail, expires), expires);
    }

    public string PathFor(string jobId, LinkedFile file, DateTime expiresAt)
    {
        if (!StoragePaths.IsValidJobId(jobId)) throw new ArgumentException($"'{jobId}' is not a job id.", nameof(jobId));
        var payload = $"{jobId}|{file}|{new DateTimeOffset(expiresAt, TimeSpan.Zero).ToUnixTimeSeconds()}";
        var token = WebEncoders.Base64UrlEncode(_protector.Protect(Encoding.UTF8.GetBytes(payload)));
        return $"{RoutePrefix}/{token}/{file.ToString().ToLowerInvariant()}{Extension(file)}";
    }

    public LinkCheck Check(string token)
    {
        string[] parts;
        try { parts = Encoding.UTF8.GetString(_protector.Unprotect(WebEncoders.Base64UrlDecode(token))).Split('|'); }
        catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException) { return new LinkCheck.Invalid(); }
        if (parts.Length != 3 || !Enum.TryParse<LinkedFile>(parts[1], out var file) || !long.TryParse(parts[2], out var unix))
            return new LinkCheck.Invalid();
        var expires = DateTimeOffset.FromUnixTimeSeconds(unix).UtcDateTime;
        return clock.GetUtcNow().UtcDateTime >= expires ? new LinkCheck.Expired(expires) : new LinkCheck.Valid(parts[0], file);
    }

    private static string Extension(LinkedFile file) => file == LinkedFile.Video ? ".mp4" : ".jpg";
}
