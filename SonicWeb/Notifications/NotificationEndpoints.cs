using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using SonicWeb.Accounts;

namespace SonicWeb.Notifications;

/// <summary>
/// Form posts: a user's email opt-in (account settings) and the admin's test email. Each redirects
/// back to its page with a message.
/// </summary>
public static class NotificationEndpoints
{
    public static void MapNotificationEndpoints(this IEndpointRouteBuilder app)
    {
        var antiforgery = new RequireAntiforgeryTokenAttribute();
        app.MapPost("/account/email-notifications", SetPreferenceAsync).WithMetadata(antiforgery).ExcludeFromDescription();
        app.MapPost("/admin/notifications/test", SendTestAsync).RequireAuthorization(Policies.Admin).WithMetadata(antiforgery).ExcludeFromDescription();
    }

    /// <summary>A checkbox: present ("on"/"true") = receive emails, absent = do not.</summary>
    private static async Task<IResult> SetPreferenceAsync(
        [FromForm] string? enabled, ClaimsPrincipal principal, UserManager<SonicUser> users, ILogger<EmailNotifications> log)
    {
        var user = await users.GetUserAsync(principal);
        if (user is null) return Results.Redirect("/account/login");
        user.EmailOptOut = enabled is not ("on" or "true");
        await users.UpdateAsync(user);
        log.LogInformation("User {UserId} turned email notifications {State}", user.Id, user.EmailOptOut ? "off" : "on");
        return Results.Redirect("/account/settings?email=" + (user.EmailOptOut ? "off" : "on") + "#email");
    }

    private static async Task<IResult> SendTestAsync(ClaimsPrincipal principal, NotificationOutbox outbox, IOptions<EmailOptions> options)
    {
        var me = await outbox.FindRecipientAsync(principal.UserId(), CancellationToken.None);
        if (me is null) return Results.Redirect("/admin/notifications");
        var row = await outbox.EnqueueAsync(NotificationKind.Test, me with { OptedOut = false }, new EmailComposer(options.Value).Test(me.Name), null, null, CancellationToken.None);
        var message = row.Status == DeliveryStatus.Skipped ? $"Test email not sent: {row.LastError}." : $"Test email queued for {me.Email}.";
        return Results.Redirect("/admin/notifications?message=" + Uri.EscapeDataString(message));
    }
}
