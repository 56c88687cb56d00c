using Microsoft.Playwright;
using SonicWeb.Tests.Web;

namespace SonicWeb.Tests.Browser;

/// <summary>Debian's chromium through Playwright, and the sign-in form the pages share.</summary>
public static class BrowserKit
{
    public static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ChromiumArgs });

    /// <summary>Fills and posts the sign-in form; lands wherever the app redirects.</summary>
    public static async Task SignInAsync(IPage page, string email = WebTestHost.AdminEmail, string password = WebTestHost.AdminPassword)
    {
        if (!page.Url.Contains("/account/login")) await page.GotoAsync("/account/login");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("#signin");
        await page.WaitForLoadStateAsync();
    }
}
