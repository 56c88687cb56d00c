using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace SonicWeb.Accounts;

/// <summary>Identity's sign-in manager, plus: a disabled account may not sign in (the result is NotAllowed).</summary>
public sealed class SonicSignInManager(
    UserManager<SonicUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<SonicUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<SonicUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<SonicUser> confirmation)
    : SignInManager<SonicUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(SonicUser user) => !user.Disabled && await base.CanSignInAsync(user);
}

/// <summary>Adds the display name to the signed-in user's claims (the layout and the submitter use it).</summary>
public sealed class SonicClaimsFactory(UserManager<SonicUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<SonicUser, IdentityRole>(users, roles, options)
{
    public const string DisplayNameClaim = "display_name";

    protected override async Task<System.Security.Claims.ClaimsIdentity> GenerateClaimsAsync(SonicUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new(DisplayNameClaim, user.DisplayName.Length > 0 ? user.DisplayName : user.Email ?? user.UserName ?? ""));
        return identity;
    }
}
