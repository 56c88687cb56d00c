using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace SonicWeb.Accounts;

/// <summary>
/// Authenticates a request that carries X-Api-Key as the key's owner, with the same claims (and so the
/// same role and job access) as their browser sign-in. Disabled or locked-out owners are refused.
/// The key itself is never logged; log lines name the key's id.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyService keys,
    UserManager<SonicUser> users,
    IUserClaimsPrincipalFactory<SonicUser> claims)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(ApiKeyService.Header, out var values) || values.Count == 0) return AuthenticateResult.NoResult();
        var record = await keys.FindAsync(values.ToString().Trim(), Context.RequestAborted);
        if (record is null) return AuthenticateResult.Fail("Unknown or revoked API key.");
        var user = await users.FindByIdAsync(record.UserId);
        if (user is null || user.Disabled || await users.IsLockedOutAsync(user))
        {
            Logger.LogWarning("API key {KeyId} refused: its owner is disabled or locked out", record.Id);
            return AuthenticateResult.Fail("The API key's owner is disabled.");
        }
        var principal = await claims.CreateAsync(user);
        var identity = new ClaimsIdentity(principal.Claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new("api_key_id", record.Id));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => AuthProblems.WriteAsync(Context, 401);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => AuthProblems.WriteAsync(Context, 403);
}
