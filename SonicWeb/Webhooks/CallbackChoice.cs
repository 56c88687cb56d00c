using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using SonicWeb.Accounts;
using SonicWeb.Data;
using SonicWeb.Errors;

namespace SonicWeb.Webhooks;

/// <summary>
/// Which webhook a new job gets: the callback_url sent with it (checked now: a refused target is a 400),
/// else the default of the API key it was submitted with, else none.
/// </summary>
public sealed class CallbackChoice(IDbContextFactory<SonicDbContext> db, WebhookTargets targets)
{
    /// <summary>The claim the API-key sign-in adds (Accounts/ApiKeyAuthenticationHandler).</summary>
    public const string ApiKeyClaim = "api_key_id";

    public async Task<string?> ForSubmissionAsync(string? given, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(given)) return await targets.CheckAsync(given.Trim(), ct);
        if (user.FindFirstValue(ApiKeyClaim) is not { } keyId) return null;
        await using var context = await db.CreateDbContextAsync(ct);
        return await context.ApiKeys.Where(k => k.Id == keyId).Select(k => k.CallbackUrl).FirstOrDefaultAsync(ct);
    }

    /// <summary>
    /// Sets (or clears, with null) an API key's default webhook. "current" is the key the call is made
    /// with; otherwise the key must be one of the caller's own.
    /// </summary>
    public async Task<string?> SetKeyDefaultAsync(string keyId, string? url, ClaimsPrincipal user, CancellationToken ct)
    {
        if (keyId == "current") keyId = user.FindFirstValue(ApiKeyClaim) ?? throw InputRejectedException.BadRequest("'current' names the API key of the call; this call was not made with an API key.");
        var userId = user.UserId();
        var checkedUrl = string.IsNullOrWhiteSpace(url) ? null : await targets.CheckAsync(url.Trim(), ct);
        await using var context = await db.CreateDbContextAsync(ct);
        var key = await context.ApiKeys.FirstOrDefaultAsync(k => k.Id == keyId && k.UserId == userId && k.RevokedAt == null, ct)
            ?? throw new NotFoundException($"You have no active API key {keyId}.");
        key.CallbackUrl = checkedUrl;
        await context.SaveChangesAsync(ct);
        return checkedUrl;
    }
}
