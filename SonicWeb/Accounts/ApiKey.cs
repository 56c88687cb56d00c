using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using SonicWeb.Data;

namespace SonicWeb.Accounts;

/// <summary>
/// A key a program sends in the X-Api-Key header; it acts as its owner with the owner's role. Only the
/// SHA-256 of the key is stored (the key is 256 random bits, so a plain hash is enough: nothing to
/// brute-force), plus a short prefix so people can tell their keys apart.
/// </summary>
[Index(nameof(Hash), IsUnique = true)]
[Index(nameof(UserId))]
public sealed class ApiKey
{
    public string Id { get; set; } = Job.NewId();
    public string UserId { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>The first characters of the key ("swk_AbCd"), shown in the list; not enough to use it.</summary>
    public string Prefix { get; set; } = "";
    public string Hash { get; set; } = "";
    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
    public DateTime? LastUsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    /// <summary>The webhook target for jobs submitted with this key that name none themselves (checked when set).</summary>
    public string? CallbackUrl { get; set; }
}

/// <summary>Creating, listing, revoking and checking API keys.</summary>
public sealed class ApiKeyService(IDbContextFactory<SonicDbContext> db, ILogger<ApiKeyService> log)
{
    public const string Header = "X-Api-Key";
    private const string KeyPrefix = "swk_";
    /// <summary>Last-used time is written at most this often per key, not on every request.</summary>
    private static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);

    /// <summary>Returns the stored record and the key itself, which exists only in this answer.</summary>
    public async Task<(ApiKey Record, string Key)> CreateAsync(string userId, string name, CancellationToken ct = default)
    {
        var key = KeyPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var record = new ApiKey
        {
            UserId = userId,
            Name = string.IsNullOrWhiteSpace(name) ? "API key" : name.Trim()[..Math.Min(100, name.Trim().Length)],
            Prefix = key[..(KeyPrefix.Length + 4)],
            Hash = HashOf(key),
        };
        await using var context = await db.CreateDbContextAsync(ct);
        context.ApiKeys.Add(record);
        await context.SaveChangesAsync(ct);
        log.LogInformation("API key {KeyId} created for user {UserId}", record.Id, userId);
        return (record, key);
    }

    public async Task<IReadOnlyList<ApiKey>> ListAsync(string userId, CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        return await context.ApiKeys.AsNoTracking().Where(k => k.UserId == userId).OrderByDescending(k => k.CreatedAt).ToListAsync(ct);
    }

    /// <summary>Only the owner revokes their key (an unknown or foreign id changes nothing).</summary>
    public async Task<bool> RevokeAsync(string userId, string keyId, CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        int n = await context.ApiKeys.Where(k => k.Id == keyId && k.UserId == userId && k.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, DateTime.UtcNow), ct);
        if (n > 0) log.LogInformation("API key {KeyId} revoked", keyId);
        return n > 0;
    }

    /// <summary>The live key with this value, or null; records the use.</summary>
    public async Task<ApiKey?> FindAsync(string key, CancellationToken ct = default)
    {
        if (!key.StartsWith(KeyPrefix, StringComparison.Ordinal) || key.Length > 200) return null;
        var hash = HashOf(key);
        await using var context = await db.CreateDbContextAsync(ct);
        var record = await context.ApiKeys.FirstOrDefaultAsync(k => k.Hash == hash && k.RevokedAt == null, ct);
        if (record is null) return null;
        var now = DateTime.UtcNow;
        if (record.LastUsedAt is null || now - record.LastUsedAt > TouchInterval)
        {
            record.LastUsedAt = now;
            await context.SaveChangesAsync(ct);
        }
        return record;
    }

    private static string HashOf(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
