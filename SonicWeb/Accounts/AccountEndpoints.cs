using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using SonicWeb.Security;

namespace SonicWeb.Accounts;

/// <summary>
/// Form posts of the account pages (plain HTML forms with an antiforgery token): sign in, sign out,
/// and the admin's user management. Each answers with a redirect back to a page.
/// </summary>
public static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/login", LoginAsync).AllowAnonymous().RequireFormToken().ExcludeFromDescription();
        app.MapPost("/account/logout", LogoutAsync).AllowAnonymous().RequireFormToken().ExcludeFromDescription();

        var admin = app.MapGroup("/admin/users").RequireAuthorization(Policies.Admin).RequireFormToken().ExcludeFromDescription();
        admin.MapPost("/", CreateUserAsync);
        admin.MapPost("/{id}/role", SetRoleAsync);
        admin.MapPost("/{id}/disable", (string id, UserDirectory d) => SetDisabledAsync(id, true, d));
        admin.MapPost("/{id}/enable", (string id, UserDirectory d) => SetDisabledAsync(id, false, d));
    }

    private static async Task<IResult> LoginAsync(
        [FromForm] string? email, [FromForm] string? password, [FromForm] string? returnUrl,
        SonicSignInManager signIn, ILogger<SonicSignInManager> log)
    {
        email = email?.Trim() ?? "";
        var result = string.IsNullOrEmpty(email) || string.IsNullOrEmpty(password)
            ? Microsoft.AspNetCore.Identity.SignInResult.Failed
            : await signIn.PasswordSignInAsync(email, password, isPersistent: false, lockoutOnFailure: true);
        if (!result.Succeeded)
        {
            var error = result.IsLockedOut ? "locked" : result.IsNotAllowed ? "disabled" : "invalid";
            log.LogWarning("Sign-in refused ({Reason})", error);
            return Results.Redirect($"/account/login?error={error}&email={Uri.EscapeDataString(email)}"
                + (IsLocalUrl(returnUrl) ? "&returnUrl=" + Uri.EscapeDataString(returnUrl!) : ""));
        }
        var user = await signIn.UserManager.FindByNameAsync(email);
        var home = user != null && await signIn.UserManager.IsInRoleAsync(user, Roles.Reviewer) ? "/history" : "/";
        return Results.LocalRedirect(IsLocalUrl(returnUrl) ? returnUrl! : home);
    }

    private static async Task<IResult> LogoutAsync(SonicSignInManager signIn)
    {
        await signIn.SignOutAsync();
        return Results.Redirect("/account/login?signedOut=1");
    }

    private static async Task<IResult> CreateUserAsync(
        [FromForm] string? email, [FromForm] string? displayName, [FromForm] string? role, [FromForm] string? password, UserDirectory directory)
    {
        var result = await directory.CreateAsync(email ?? "", displayName, role ?? "", password ?? "");
        return Back(result, $"User {email} created.");
    }

    private static async Task<IResult> SetRoleAsync(string id, [FromForm] string? role, UserDirectory directory) =>
        Back(await directory.SetRoleAsync(id, role ?? ""), "Role changed.");

    private static async Task<IResult> SetDisabledAsync(string id, bool disabled, UserDirectory directory) =>
        Back(await directory.SetDisabledAsync(id, disabled), disabled ? "Account disabled." : "Account enabled.");

    private static IResult Back(AccountResult result, string message) => Results.Redirect(result.Succeeded
        ? "/admin/users?message=" + Uri.EscapeDataString(message)
        : "/admin/users?error=" + Uri.EscapeDataString(string.Join(" ", result.Errors)));

    /// <summary>Only paths on this site: never "//host" or "/\host", which browsers treat as other sites.</summary>
    public static bool IsLocalUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));
}
