using Microsoft.Extensions.DependencyInjection;
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

    /// <summary>A chromium page on <paramref name="host"/>'s address, in a context of its own (see the overload).</summary>
    public static Task<OpenPage> OpenPageAsync(WebTestHost host, int? width = null, int? height = null) =>
        OpenPageAsync(host.BaseAddress, width, height);

    /// <summary>
    /// A chromium page on <paramref name="baseAddress"/> at the given viewport (none: Playwright's 1280 × 720), in a
    /// context of its own (its own cookies, storage and cache) of the test run's one chromium. Downloads are accepted
    /// (Playwright's default), as the tests that save a download need.
    /// </summary>
    public static async Task<OpenPage> OpenPageAsync(Uri baseAddress, int? width = null, int? height = null)
    {
        var open = new OpenPage(await SharedBrowserAsync(), baseAddress);
        open.Page = await open.NewPageAsync(width, height);
        return open;
    }

    private static readonly SemaphoreSlim SharedGate = new(1, 1);
    private static IPlaywright? s_playwright;
    private static IBrowser? s_browser;

    /// <summary>
    /// One Playwright driver and one chromium for the whole test run, launched on first use (again if it went away). A
    /// driver and a browser per test cost about 1.3 s each time (driver 0.6 s, chromium 0.5 s, closing 0.2 s) over some
    /// 90 browser tests that run one after another; contexts keep the tests apart as separate browsers did.
    /// </summary>
    private static async Task<IBrowser> SharedBrowserAsync()
    {
        await SharedGate.WaitAsync();
        try
        {
            if (s_browser is { IsConnected: true }) return s_browser;
            if (s_playwright is null) AppDomain.CurrentDomain.ProcessExit += (_, _) => s_playwright?.Dispose();
            s_playwright?.Dispose();
            s_playwright = await Playwright.CreateAsync();
            s_browser = await LaunchAsync(s_playwright);
            return s_browser;
        }
        finally { SharedGate.Release(); }
    }

    /// <summary>
    /// A test's pages in the shared chromium, each in a context of its own, closed together. <see cref="NewPageAsync"/>
    /// opens more pages (other people's tabs, other viewports) without launching chromium again.
    /// </summary>
    public sealed class OpenPage : IAsyncDisposable
    {
        private readonly Uri _baseAddress;
        private readonly List<IBrowserContext> _contexts = [];

        internal OpenPage(IBrowser browser, Uri baseAddress) => (Browser, _baseAddress) = (browser, baseAddress);

        public IBrowser Browser { get; }
        public IPage Page { get; internal set; } = null!;

        /// <summary>Another page on the same address, in a context of its own: its own cookies, so its own sign-in.</summary>
        public async Task<IPage> NewPageAsync(int? width = null, int? height = null)
        {
            var context = await Browser.NewContextAsync(new()
            {
                BaseURL = _baseAddress.ToString(),
                ViewportSize = width is { } w && height is { } h ? new() { Width = w, Height = h } : null,
            });
            lock (_contexts) _contexts.Add(context);
            return await context.NewPageAsync();
        }

        /// <summary>Closes this test's contexts (a context a test closed itself is skipped); the browser stays for the next test.</summary>
        public async ValueTask DisposeAsync()
        {
            IBrowserContext[] contexts;
            lock (_contexts) contexts = [.. _contexts];
            foreach (var context in contexts)
            {
                try { await context.CloseAsync(); }
                catch (PlaywrightException) { } // already closed, or the browser went away (the next test launches another)
            }
        }
    }

    /// <summary>
    /// Collects what should not happen on <paramref name="page"/> from now on, for one Assert.Empty at the end: console
    /// errors and, unless <paramref name="failedResponses"/> is false, every answer of 400 or above.
    /// </summary>
    public static List<string> WatchForProblems(IPage page, bool failedResponses = true)
    {
        var problems = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") problems.Add(m.Text); };
        if (failedResponses) page.Response += (_, r) => { if (r.Status >= 400) problems.Add($"{r.Status} {r.Url}"); };
        return problems;
    }

    /// <summary>
    /// Fills and posts the sign-in form; returns once the page the app redirects to is there: signed in, a page naming
    /// the person (the layout's #signed-in-as) at the address the answer gave; refused, the form again with its error.
    /// </summary>
    /// <remarks>
    /// This used to wait for the load event of that page with Playwright's default 30 s, which a CI run at load average
    /// 10 exceeded (every script, style sheet and font of a Blazor page must arrive first). What callers need is only
    /// the new document and its address, so that is what is waited for, for up to <see cref="SignInTimeoutMs"/>. The
    /// old document is marked first, so that a refusal landing on the same address as the one before (a second wrong
    /// password) is not taken for done while the old form, with the old error, is still on screen.
    /// </remarks>
    public static async Task SignInAsync(IPage page, string email = WebTestHost.AdminEmail, string password = WebTestHost.AdminPassword)
    {
        if (!page.Url.Contains("/account/login")) await page.GotoAsync("/account/login");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.EvalOnSelectorAsync("html", "html => html.dataset.signInPosted = 'true'");
        var answer = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#signin"),
            r => r.Request.Method == "POST" && r.Url.Contains("/account/login"), new() { Timeout = SignInTimeoutMs });
        // The endpoint answers both outcomes with a redirect; anything else (a refused form token, a rate limit) is no sign-in.
        if (answer.Status is < 300 or >= 400 || !answer.Headers.TryGetValue("location", out var location))
            throw new InvalidOperationException($"The sign-in form's POST was answered {answer.Status}, not with a redirect.");
        var target = new Uri(new Uri(answer.Url), location).AbsolutePath; // the query may be escaped otherwise than chromium does
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == target, new() { WaitUntil = WaitUntilState.Commit, Timeout = SignInTimeoutMs });
        var expected = target == "/account/login" ? "#signin-error" : "#signed-in-as";
        await page.Locator($"html:not([data-sign-in-posted]) {expected}")
            .WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = SignInTimeoutMs });
    }

    /// <summary>How long <see cref="SignInAsync"/> waits for each step: generous, for a machine shared with a whole CI run.</summary>
    public const float SignInTimeoutMs = 90_000;

    /// <summary>
    /// Plays the video element (muted) and returns its position once it has passed 0.2 s, or after 15 s (a busy
    /// machine starts playback late): the caller asserts that it moved.
    /// </summary>
    public static Task<double> PlayAsync(IPage page, string videoId) => page.EvaluateAsync<double>(@"async id => {
            const v = document.getElementById(id);
            v.muted = true;
            await v.play();
            for (let waited = 0; v.currentTime <= 0.2 && waited < 15000; waited += 100) await new Promise(r => setTimeout(r, 100));
            return v.currentTime; }", videoId);

    /// <summary>
    /// Waits until an interactive page runs in its circuit: the prerendered HTML is visible earlier but does not
    /// react to clicks until then (the layout marks itself data-circuit="connected").
    /// </summary>
    public static Task WaitForCircuitAsync(IPage page) =>
        page.Locator("[data-circuit='connected']").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });

    /// <summary>
    /// Posts the sign-out form and waits for the sign-in page: starting another navigation while that one
    /// is still under way left chromium's page without a load event (a 30 s timeout in a CI run).
    /// </summary>
    public static async Task SignOutAsync(IPage page)
    {
        await page.ClickAsync("#signout");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/account/login"));
        await page.WaitForLoadStateAsync();
    }

    /// <summary>Chooses an item of a MudSelect (the input with this id): open it, click the item with this text.</summary>
    public static async Task PickAsync(IPage page, string inputSelector, string itemText)
    {
        await page.ClickAsync($".mud-select:has({inputSelector})");
        await page.ClickAsync($".mud-popover-open .mud-list-item:has-text('{itemText}')");
    }

    /// <summary>
    /// Opens a fresh tab at desktop (1366 px) and phone (390 px) width, in the light and the dark theme, and runs
    /// <paramref name="visit"/> in each; returns the console errors plus what the visits added, for one Assert.Empty.
    /// </summary>
    public static async Task<List<string>> InEveryThemeAndWidthAsync(WebTestHost host, Func<IPage, int, bool, List<string>, Task> visit)
    {
        await using var browser = await OpenPageAsync(host); // its first page stays blank: each visit gets a fresh one below
        var problems = new List<string>();
        foreach (var dark in new[] { false, true })
        {
            await SetAdminThemeAsync(host, dark);
            foreach (var width in new[] { 1366, 390 })
            {
                var page = await browser.NewPageAsync(width, width > 500 ? 900 : 844);
                page.Console += (_, m) => { if (m.Type == "error") problems.Add($"{width} {m.Text}"); };
                await visit(page, width, dark, problems);
                await page.Context.CloseAsync();
            }
        }
        return problems;
    }

    /// <summary>Sets the test admin's light or dark theme (kept with the account; pages opened afterwards use it).</summary>
    public static async Task SetAdminThemeAsync(SonicWeb.Tests.Web.WebTestHost host, bool dark)
    {
        var preferences = host.Services.GetRequiredService<SonicWeb.Accounts.AccountPreferences>();
        await using var scope = host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<SonicWeb.Accounts.SonicUser>>();
        var admin = await users.FindByEmailAsync(SonicWeb.Tests.Web.WebTestHost.AdminEmail);
        await preferences.SetDarkThemeAsync(admin!.Id, dark);
    }

    /// <summary>
    /// Saves the whole page as a person scrolling through it sees it. A full-page capture keeps fixed elements (the
    /// navigation drawer, the app bar) at the first screen's height, so a long page's drawer ended part-way down its
    /// picture; here the viewport grows to the page's height for the shot and then goes back.
    /// </summary>
    public static async Task ScreenshotWholePageAsync(IPage page, string path)
    {
        var viewport = page.ViewportSize ?? new() { Width = 1280, Height = 720 };
        int height = await page.EvaluateAsync<int>("() => Math.ceil(document.documentElement.scrollHeight)");
        if (height <= viewport.Height)
        {
            await page.ScreenshotAsync(new() { Path = path });
            return;
        }
        await page.SetViewportSizeAsync(viewport.Width, height);
        try
        {
            // Two animation frames: the resized layout has been laid out and painted before the capture.
            await page.EvaluateAsync("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))");
            await page.ScreenshotAsync(new() { Path = path });
        }
        finally
        {
            await page.SetViewportSizeAsync(viewport.Width, viewport.Height);
        }
    }

    /// <summary>Chooses files in a FileField's input once the circuit watches it (a file set earlier would go unnoticed).</summary>
    public static async Task SetFilesAsync(IPage page, string inputSelector, params string[] paths)
    {
        await page.Locator($"{inputSelector}[data-ready='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });
        await page.SetInputFilesAsync(inputSelector, paths);
    }

    /// <summary>
    /// Freezes the page's CSS animations (chromium's DevTools protocol), so that "Connecting…" cannot appear through its
    /// own 0.4 s delay; <see cref="SetAnimationRateAsync"/> with the returned session sets them going again.
    /// </summary>
    public static async Task<ICDPSession> FreezeAnimationsAsync(IPage page)
    {
        var session = await page.Context.NewCDPSessionAsync(page);
        await session.SendAsync("Animation.enable");
        await SetAnimationRateAsync(session, 0);
        return session;
    }

    /// <summary>The speed of the page's CSS animations (0 freezes them, 1 is normal).</summary>
    public static Task SetAnimationRateAsync(ICDPSession session, double rate) =>
        session.SendAsync("Animation.setPlaybackRate", new Dictionary<string, object> { ["playbackRate"] = rate });

    /// <summary>The layout's "Connecting…" status (shown while the page's circuit starts).</summary>
    public static ILocator ConnectingStatus(IPage page) =>
        page.Locator("[role='status']").GetByText("Connecting…", new() { Exact = true });

    /// <summary>Holds the page's circuit back at its negotiation until the returned source is set.</summary>
    public static async Task<TaskCompletionSource> HoldCircuitAsync(IPage page)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync("**/_blazor/negotiate**", async route =>
        {
            await release.Task;
            try { await route.ContinueAsync(); } catch (PlaywrightException) { } // the page that asked has gone
        });
        return release;
    }
}
