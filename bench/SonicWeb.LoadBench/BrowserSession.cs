using System.Net;
using Microsoft.Playwright;

namespace SonicWeb.LoadBench;

/// <summary>
/// Debian's chromium through Playwright (as in the browser tests), signed in with the bench's own sign-in cookie, for
/// the parts that need real interactive pages: upload paths and memory per circuit.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private BrowserSession(IPlaywright playwright, IBrowser browser, IBrowserContext context) =>
        (_playwright, _browser, Context) = (playwright, browser, context);

    public IBrowserContext Context { get; }

    public static async Task<BrowserSession> StartAsync(Uri baseAddress, CookieContainer cookies)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ChromiumArgs });
        var context = await browser.NewContextAsync(new() { BaseURL = baseAddress.ToString(), ViewportSize = new() { Width = 1366, Height = 900 } });
        await context.AddCookiesAsync(cookies.GetAllCookies().Select(c => new Microsoft.Playwright.Cookie
        {
            Name = c.Name, Value = c.Value, Domain = baseAddress.Host, Path = c.Path, HttpOnly = c.HttpOnly, SameSite = SameSiteAttribute.Lax,
        }));
        return new BrowserSession(playwright, browser, context);
    }

    /// <summary>Opens an interactive page and waits until it runs in its circuit.</summary>
    public async Task<IPage> OpenAsync(string path)
    {
        var page = await Context.NewPageAsync();
        await page.GotoAsync(path);
        await page.Locator("[data-circuit='connected']").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        await _browser.CloseAsync();
        _playwright.Dispose();
    }
}
