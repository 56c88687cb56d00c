using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace SonicWeb.Accounts;

/// <summary>
/// The signed-in user of an interactive page (a circuit). The circuit starts with the user of the sign-in
/// cookie and then lives for as long as the tab is open, without further HTTP requests; so every
/// <see cref="RevalidationInterval"/> it asks the database whether that user still exists, is not disabled
/// and has the same security stamp (a role change, a disable or a password change renews the stamp). If not,
/// the circuit's user becomes anonymous and the page's authorisation sends the tab to the sign-in page.
/// </summary>
public sealed class CircuitAuthenticationStateProvider(
    ILoggerFactory loggerFactory, IServiceScopeFactory scopes, IOptions<IdentityOptions> identity, AccountOptions accounts,
    IHostApplicationLifetime lifetime)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => accounts.RevalidationInterval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct)
    {
        // While the app shuts down its container is being disposed; the circuit ends with the app, so there is
        // nothing to re-check (asking would log an ObjectDisposedException per open tab).
        if (lifetime.ApplicationStopping.IsCancellationRequested) return true;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<SonicUser>>();
            return await IsStillValidAsync(users, state.User, identity.Value.ClaimsIdentity.SecurityStampClaimType);
        }
        catch (ObjectDisposedException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return true;
        }
    }

    /// <summary>The same three checks the sign-in cookie's stamp validator makes, plus "not disabled".</summary>
    public static async Task<bool> IsStillValidAsync(UserManager<SonicUser> users, ClaimsPrincipal principal, string stampClaimType)
    {
        var user = await users.GetUserAsync(principal);
        if (user is null || user.Disabled) return false;
        if (!users.SupportsUserSecurityStamp) return true;
        return principal.FindFirstValue(stampClaimType) == await users.GetSecurityStampAsync(user);
    }
}
