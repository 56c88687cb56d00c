using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using SonicWeb.Accounts;
using SonicWeb.Security;

namespace SonicWeb.Notifications;

/// <summary>
/// Form posts: a user's email opt-in (account settings) and the admin's test email. Each redirects
/// back to its page with a message.
/// </summary>
public static class NotificationEndpoints
{
    public static void MapNotificationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/email-notifications", SetPreferenceAsync).RequireFormToken().ExcludeFromDescription();
        app.MapPost("/admin/notifications/test", SendTestAsync).RequireAuthorization(Policies.Admin).RequireFormToken().ExcludeFromDescription();
    }

    /// <summary>A checkbox: present ("on"/"true") = receive emails, absent = do not.</summary>
    private static async Task<IResult> SetPreferenceAsync([FromForm] string? enabled, ClaimsPrincipal principal, AccountPreferences preferences)
    {
        if (principal.UserId() is not { } id) return Results.Redirect("/account/login");
        bool on = enabled is "on" or "true";
        await preferences.SetEmailNotificationsAsync(id, on);
        return Results.Redirect("/account/settings?email=" + (on ? "on" : "off") + "#email");
    }

    private static async Task<IResult> SendTestAsync(ClaimsPrincipal principal, NotificationOutbox outbox) =>
        Results.Redirect("/admin/notifications?message=" + Uri.EscapeDataString(await outbox.SendTestAsync(principal.UserId(), CancellationToken.None)));
}
