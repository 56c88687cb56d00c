using Microsoft.Playwright;
using SonicWeb.Tests.TestSupport;
using SonicWeb.Tests.Web;

namespace SonicWeb.Tests.Browser;

/// <summary>Sign-in, wrong password, lockout and sign-out as a person sees them in the browser.</summary>
[Collection(WebCollection.Name)]
public sealed class AccountsBrowserTests
{
    [Fact]
    public async Task Wrong_password_is_refused_with_a_message_then_sign_in_and_sign_out_work()
    {
        using var host = new WebTestHost();
        await using var browser = await BrowserKit.OpenPageAsync(host);
        var page = browser.Page;

        // A protected page sends an anonymous visitor to the sign-in page, remembering where they were going.
        await page.GotoAsync("/admin/users");
        Assert.Contains("/account/login?returnUrl=%2Fadmin%2Fusers", page.Url);

        await BrowserKit.SignInAsync(page, WebTestHost.AdminEmail, "not-the-password");
        await Assertions.Expect(page.Locator("#signin-error")).ToHaveTextAsync("Wrong email or password.");
        await Assertions.Expect(page.Locator("#email")).ToHaveValueAsync(WebTestHost.AdminEmail);

        await BrowserKit.SignInAsync(page);
        Assert.EndsWith("/admin/users", page.Url);
        await Assertions.Expect(page.Locator("#signed-in-as")).ToHaveTextAsync(WebTestHost.AdminName);
        await Assertions.Expect(page.Locator("#users")).ToContainTextAsync(WebTestHost.AdminEmail);
        await BrowserKit.ScreenshotWholePageAsync(page, Path.Combine(TestMedia.ArtifactsDir, "accounts-1-users.png"));

        await BrowserKit.SignOutAsync(page);
        await Assertions.Expect(page.Locator("#signed-out")).ToBeVisibleAsync();
        await page.GotoAsync("/admin/users");
        Assert.Contains("/account/login", page.Url);
    }

    [Fact]
    public async Task After_the_configured_number_of_failures_the_account_is_locked_even_for_the_right_password()
    {
        using var host = new WebTestHost(settings: new() { ["Accounts:LockoutMaxFailures"] = "3", ["Accounts:LockoutMinutes"] = "2" });
        await using var browser = await BrowserKit.OpenPageAsync(host);
        var page = browser.Page;

        for (int i = 1; i <= 2; i++)
        {
            await BrowserKit.SignInAsync(page, WebTestHost.AdminEmail, "wrong-" + i);
            await Assertions.Expect(page.Locator("#signin-error")).ToHaveTextAsync("Wrong email or password.");
        }
        await BrowserKit.SignInAsync(page, WebTestHost.AdminEmail, "wrong-3");
        await Assertions.Expect(page.Locator("#signin-error")).ToContainTextAsync("locked for 2 minutes");

        await BrowserKit.SignInAsync(page); // the right password, while locked
        await Assertions.Expect(page.Locator("#signin-error")).ToContainTextAsync("locked");
        Assert.Contains("/account/login", page.Url);
        await BrowserKit.ScreenshotWholePageAsync(page, Path.Combine(TestMedia.ArtifactsDir, "accounts-2-locked.png"));
    }
}
