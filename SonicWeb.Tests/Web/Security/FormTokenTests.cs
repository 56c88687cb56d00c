using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SonicWeb.Accounts;
using SonicWeb.Data;

namespace SonicWeb.Tests.Web.Security;

/// <summary>
/// Every form post of the pages needs the page's antiforgery token, also the ones that read no form field (sign-out,
/// enable/disable a user, the test email), which the framework alone let through. Posted with the signed-in cookie but
/// without the token: 400 naming the token, and nothing changed; with the token taken from the real page: it works.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class FormTokenTests
{
    [Fact]
    public async Task Form_posts_without_the_pages_token_are_refused_and_change_nothing()
    {
        using var host = new WebTestHost();
        var (operatorClient, _) = await host.CreateUserAsync("victim@sonicweb.test", "Operator");
        var victimId = await UserIdAsync(host, "victim@sonicweb.test");
        var admin = host.Http;

        // Disable, enable: no token (empty form, then no body at all) -> 400, the account stays as it was.
        foreach (var content in new Func<HttpContent?>[] { () => Empty(), () => null })
        {
            await AssertRefusedAsync(admin, $"/admin/users/{victimId}/disable", content());
            Assert.False(await DisabledAsync(host, victimId));
        }
        // A token that is not this session's (another user's) is refused as well.
        var foreignToken = Token(await operatorClient.GetStringAsync("/account/settings"));
        await AssertRefusedAsync(admin, $"/admin/users/{victimId}/disable", WithToken(foreignToken));
        Assert.False(await DisabledAsync(host, victimId));

        var usersPage = await admin.GetStringAsync("/admin/users");
        using (var disable = await admin.PostAsync($"/admin/users/{victimId}/disable", WithToken(Token(usersPage))))
        {
            Assert.Equal(HttpStatusCode.Redirect, disable.StatusCode);
            Assert.Contains("Account%20disabled", disable.Headers.Location!.ToString());
        }
        Assert.True(await DisabledAsync(host, victimId));
        await AssertRefusedAsync(admin, $"/admin/users/{victimId}/enable", Empty());
        Assert.True(await DisabledAsync(host, victimId));
        using (var enable = await admin.PostAsync($"/admin/users/{victimId}/enable", WithToken(Token(usersPage))))
            Assert.Equal(HttpStatusCode.Redirect, enable.StatusCode);
        Assert.False(await DisabledAsync(host, victimId));

        // The test email: no token -> 400 and no email row; with the token the row is written.
        await AssertRefusedAsync(admin, "/admin/notifications/test", Empty());
        Assert.Equal(0, await EmailRowsAsync(host));
        var notificationsPage = await admin.GetStringAsync("/admin/notifications");
        using (var test = await admin.PostAsync("/admin/notifications/test", WithToken(Token(notificationsPage))))
        {
            Assert.Equal(HttpStatusCode.Redirect, test.StatusCode);
            Assert.StartsWith("/admin/notifications?message=", test.Headers.Location!.ToString());
        }
        Assert.Equal(1, await EmailRowsAsync(host));

        // Sign-out: no token -> 400 and the user is still signed in; with the token from a page -> signed out.
        await AssertRefusedAsync(operatorClient, "/account/logout", Empty());
        await AssertRefusedAsync(operatorClient, "/account/logout", null);
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetAsync("/api/jobs")).StatusCode);
        var page = await operatorClient.GetStringAsync("/history");
        using (var logout = await operatorClient.PostAsync("/account/logout", WithToken(Token(page))))
        {
            Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
            Assert.Equal("/account/login?signedOut=1", logout.Headers.Location!.ToString());
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await operatorClient.GetAsync("/api/jobs")).StatusCode);
    }

    private static async Task AssertRefusedAsync(HttpClient client, string path, HttpContent? content)
    {
        using var response = await client.PostAsync(path, content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"POST {path}: {(int)response.StatusCode} {body}");
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("antiforgery_failed", problem.GetProperty("code").GetString());
        Assert.Contains("security token", problem.GetProperty("detail").GetString());
    }

    private static FormUrlEncodedContent Empty() => new(new Dictionary<string, string>());

    private static FormUrlEncodedContent WithToken(string token) => new(new Dictionary<string, string> { ["__RequestVerificationToken"] = token });

    private static string Token(string page)
    {
        var token = Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(token), "the page carries no antiforgery token");
        return token;
    }

    private static async Task<string> UserIdAsync(WebTestHost host, string email)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserDirectory>().ListAsync()).Single(u => u.Email == email).Id;
    }

    private static async Task<bool> DisabledAsync(WebTestHost host, string id)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserDirectory>().ListAsync()).Single(u => u.Id == id).Disabled;
    }

    private static async Task<int> EmailRowsAsync(WebTestHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SonicDbContext>().NotificationDeliveries.CountAsync();
    }
}
