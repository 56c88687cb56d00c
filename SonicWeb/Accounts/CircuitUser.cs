using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;

namespace SonicWeb.Accounts;

/// <summary>
/// The signed-in user of the current page, for components. A page's [Authorize] rule is checked when it opens;
/// a component that acts (creates a user, deletes a preset) asks again here right before it does, with the same
/// policies the HTTP endpoints use, so an action is never allowed by a page that was opened under an older role.
/// </summary>
public sealed class CircuitUser(AuthenticationStateProvider authentication, IAuthorizationService authorization)
{
    public async Task<ClaimsPrincipal> GetAsync() => (await authentication.GetAuthenticationStateAsync()).User;

    public async Task<bool> IsAllowedAsync(string policy) => (await authorization.AuthorizeAsync(await GetAsync(), policy)).Succeeded;

    /// <summary>The user's id; throws when the page has no signed-in user (pages that call this require one).</summary>
    public async Task<string> IdAsync() => (await GetAsync()).UserId() ?? throw new InvalidOperationException("This page needs a signed-in user.");
}
