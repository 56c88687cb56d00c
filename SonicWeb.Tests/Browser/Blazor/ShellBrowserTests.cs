using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SonicWeb.Accounts;
using SonicWeb.Tests.TestSupport;
using SonicWeb.Tests.Web;

namespace SonicWeb.Tests.Browser.Blazor;

/// <summary>The MudBlazor shell in chromium: signing in, the theme kept across a reload, the drawer on a phone, and an
/// open interactive page that loses access when an admin disables its user.</summary>
[Collection(WebCollection.Name)]
public sealed class ShellBrowserTests
{
    private static string Shot(string name) => Path.Combine(TestMedia.ArtifactsDir, $"blazor-shell-{name}.png");

    [Fact]
    public async Task Sign_in_then_the_dark_theme_chosen_in_the_app_bar_is_already_there_in_the_first_html_after_a_reload()
    {
        using var host = new WebTestHost();
        await using var browser = await BrowserKit.OpenPageAsync(host, 1366, 900);
        var page = browser.Page;

        await BrowserKit.SignInAsync(page);
        await page.GotoAsync("/account/settings");
        await BrowserKit.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator("#signed-in-as")).ToHaveTextAsync(WebTestHost.AdminName);
        await Assertions.Expect(page.Locator("#signed-in-role")).ToHaveTextAsync("Admin");
        await Assertions.Expect(page.Locator("#theme-toggle")).ToHaveAttributeAsync("data-theme", "light");
        var light = await BackgroundAsync(page);

        await page.ClickAsync("#theme-toggle");
        await Assertions.Expect(page.Locator("#theme-toggle")).ToHaveAttributeAsync("data-theme", "dark");
        await Assertions.Expect(page.Locator("body")).Not.ToHaveCSSAsync("background-color", light);
        var dark = await BackgroundAsync(page);

        // The server renders the saved theme into the page itself: the HTML before any script runs is already dark.
        var response = await page.ReloadAsync();
        Assert.Contains("data-theme=\"dark\"", await response!.TextAsync());
        Assert.Equal(dark, await BackgroundAsync(page));
        await BrowserKit.WaitForCircuitAsync(page);
        Assert.Equal(dark, await BackgroundAsync(page));
        await BrowserKit.ScreenshotWholePageAsync(page, Shot("dark-after-reload"));

        // Another page, reached through the drawer (interactive navigation), keeps it too.
        await page.ClickAsync("nav a[href='/admin/users']");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Users");
        Assert.Equal(dark, await BackgroundAsync(page));
    }

    [Fact]
    public async Task On_a_phone_the_drawer_opens_from_the_burger_over_the_page_and_its_links_navigate()
    {
        using var host = new WebTestHost();
        await using var browser = await BrowserKit.OpenPageAsync(host, 390, 844);
        var page = browser.Page;
        await BrowserKit.SignInAsync(page);
        await page.GotoAsync("/account/settings");
        await BrowserKit.WaitForCircuitAsync(page);

        var presetsLink = page.Locator("#nav-drawer a[href='/admin/presets']");
        await Assertions.Expect(presetsLink).Not.ToBeInViewportAsync(); // closed on a phone: the page has the whole width
        await page.ClickAsync("#nav-toggle");
        await Assertions.Expect(presetsLink).ToBeInViewportAsync();
        await page.ScreenshotAsync(new() { Path = Shot("drawer-390") });
        await presetsLink.ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Presets");
        Assert.EndsWith("/admin/presets", page.Url);
        Assert.Equal(0, await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth"));
    }

    [Fact]
    public async Task An_open_interactive_page_of_a_user_an_admin_disables_loses_access_within_the_revalidation_interval()
    {
        const int intervalSeconds = 3;
        using var host = new WebTestHost(settings: new() { ["Accounts:RevalidationSeconds"] = intervalSeconds.ToString() });
        var (ana, _) = await host.CreateUserAsync("ana@sonicweb.test", Roles.Operator, "Ana");
        ana.Dispose();
        await using var browser = await BrowserKit.OpenPageAsync(host, 1366, 900);
        var page = browser.Page;
        await BrowserKit.SignInAsync(page, "ana@sonicweb.test", "user-password-for-tests");
        await page.GotoAsync("/account/settings");
        await BrowserKit.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Settings");

        var clock = Stopwatch.StartNew();
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var directory = scope.ServiceProvider.GetRequiredService<UserDirectory>();
            var id = (await directory.ListAsync()).Single(u => u.Email == "ana@sonicweb.test").Id;
            Assert.True((await directory.SetDisabledAsync(id, true)).Succeeded);
        }

        // The page itself (no reload, no click) ends up on the sign-in page, which says why.
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/account/login"), new() { Timeout = (intervalSeconds + 20) * 1000 });
        var lostAfter = clock.Elapsed;
        await Assertions.Expect(page.Locator("#signin-error")).ToContainTextAsync("session has ended");
        Assert.Contains("returnUrl=%2Faccount%2Fsettings", page.Url);
        Console.WriteLine($"access lost {lostAfter.TotalSeconds:0.0} s after the account was disabled (interval {intervalSeconds} s)");
        await BrowserKit.ScreenshotWholePageAsync(page, Shot("disabled-user-signed-out"));

        // And the cookie no longer opens pages either.
        await page.GotoAsync("/account/settings");
        Assert.Contains("/account/login", page.Url);
    }

    /// <summary>
    /// A drawer link clicked while the page's circuit is still starting (held back here at its negotiation) is a plain
    /// page load (js/early-links.js): it arrives, and the page it opens gets its own circuit. Without the script the
    /// framework's router took such a click and, on a loaded server, could drop it; here it would have swapped the page in
    /// place, keeping the window's state, which the test tells apart.
    /// </summary>
    [Fact]
    public async Task A_link_clicked_before_the_circuit_is_up_is_a_plain_page_load_that_arrives()
    {
        using var host = new WebTestHost();
        await using var browser = await BrowserKit.OpenPageAsync(host, 1366, 900);
        var page = browser.Page;
        await BrowserKit.SignInAsync(page);

        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync("**/_blazor/negotiate**", async route =>
        {
            await release.Task;
            try { await route.ContinueAsync(); } catch (PlaywrightException) { } // the page that asked has gone
        });
        await page.GotoAsync("/account/settings");
        Assert.Equal(0, await page.Locator("[data-circuit='connected']").CountAsync());
        await page.EvaluateAsync("() => window.sonicWebTestMarker = 'before the click'");

        await page.ClickAsync("nav a[href='/admin/users']");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Users");
        Assert.EndsWith("/admin/users", page.Url);
        Assert.Null(await page.EvaluateAsync<string?>("() => window.sonicWebTestMarker ?? null")); // a new document

        release.SetResult();
        await BrowserKit.WaitForCircuitAsync(page);
        await page.ClickAsync("nav a[href='/admin/presets']"); // and, once connected, the router navigates in place
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Presets");
    }

    /// <summary>
    /// A button clicked while the page's circuit is still starting (held back at its negotiation) has no C# to run yet:
    /// it shows the progress cursor (css/app.css) and, when clicked, "Connecting…" at once (js/early-controls.js). The
    /// click is not replayed later; once connected the same button works. The page's animations are frozen until the
    /// click, so the status cannot appear through its own 0.4 s delay: without the script it stays hidden.
    /// </summary>
    [Fact]
    public async Task A_button_clicked_before_the_circuit_is_up_shows_Connecting_at_once_and_works_once_connected()
    {
        using var host = new WebTestHost();
        await using var browser = await BrowserKit.OpenPageAsync(host, 1366, 900);
        var page = browser.Page;
        await BrowserKit.SignInAsync(page);
        var animations = await BrowserKit.FreezeAnimationsAsync(page);
        var release = await BrowserKit.HoldCircuitAsync(page);

        await page.GotoAsync("/account/settings");
        Assert.Equal(0, await page.Locator("[data-circuit='connected']").CountAsync());
        var status = BrowserKit.ConnectingStatus(page);
        await page.WaitForTimeoutAsync(600); // longer than the status's own delay: frozen, it has not passed
        Assert.False(await status.IsVisibleAsync());
        Assert.Equal("progress", await CursorAsync(page, "#theme-toggle"));
        Assert.Equal("progress", await CursorAsync(page, "#theme-toggle svg"));
        Assert.NotEqual("progress", await CursorAsync(page, "nav a[href='/admin/users']")); // links work without a circuit
        Assert.NotEqual("progress", await CursorAsync(page, "#signout")); // and so does the sign-out form

        await page.ClickAsync("#theme-toggle");
        await Assertions.Expect(status).ToBeVisibleAsync();
        await Assertions.Expect(status).ToHaveTextAsync("Connecting…");
        await Assertions.Expect(page.Locator("#theme-toggle")).ToHaveAttributeAsync("data-theme", "light");
        await page.ScreenshotAsync(new() { Path = Shot("connecting-after-click") });

        await BrowserKit.SetAnimationRateAsync(animations, 1);
        release.SetResult();
        await BrowserKit.WaitForCircuitAsync(page);
        await Assertions.Expect(status).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#theme-toggle")).ToHaveAttributeAsync("data-theme", "light"); // not replayed
        Assert.NotEqual("progress", await CursorAsync(page, "#theme-toggle"));
        await page.ClickAsync("#theme-toggle");
        await Assertions.Expect(page.Locator("#theme-toggle")).ToHaveAttributeAsync("data-theme", "dark");
    }

    /// <summary>
    /// A circuit slower to start than 0.4 s shows "Connecting…" without any click (css/app.css), and the status goes
    /// away by itself once the circuit is up; on a phone the burger then opens the drawer.
    /// </summary>
    [Fact]
    public async Task A_slow_circuit_start_shows_Connecting_by_itself_until_the_circuit_is_up_then_the_burger_works()
    {
        using var host = new WebTestHost();
        await using var browser = await BrowserKit.OpenPageAsync(host, 390, 844);
        var page = browser.Page;
        await BrowserKit.SignInAsync(page);
        var release = await BrowserKit.HoldCircuitAsync(page);

        await page.GotoAsync("/account/settings");
        var status = BrowserKit.ConnectingStatus(page);
        await Assertions.Expect(status).ToBeVisibleAsync();
        await Assertions.Expect(status).ToHaveTextAsync("Connecting…");
        Assert.Equal("progress", await CursorAsync(page, "#nav-toggle"));
        var presetsLink = page.Locator("#nav-drawer a[href='/admin/presets']");
        await Assertions.Expect(presetsLink).Not.ToBeInViewportAsync();
        await page.ScreenshotAsync(new() { Path = Shot("connecting-390") });

        release.SetResult();
        await BrowserKit.WaitForCircuitAsync(page);
        await Assertions.Expect(status).ToHaveCountAsync(0);
        await page.ClickAsync("#nav-toggle");
        await Assertions.Expect(presetsLink).ToBeInViewportAsync();
    }

    /// <summary>
    /// A circuit whose negotiation fails (the network gone: aborted; a server or proxy refusing: 503) never starts, and
    /// blazor.web.js neither retries nor shows anything. The "Connecting…" status says at once that the server cannot be
    /// reached, with a Reload button (js/circuit-start-failed.js, from the framework's failed negotiation: well before
    /// Shell:CircuitStartTimeoutSeconds, left at its 15 s here). Links still work meanwhile (plain page loads, which fail
    /// to connect the same way), and once the server answers again Reload brings the page up connected.
    /// </summary>
    [Theory]
    [InlineData("aborted")]
    [InlineData("503")]
    public async Task A_circuit_whose_negotiation_fails_says_at_once_that_the_server_cannot_be_reached_and_Reload_brings_the_page_up(string failure)
    {
        using var host = new WebTestHost();
        await using var browser = await BrowserKit.OpenPageAsync(host, 1366, 900);
        var page = browser.Page;
        await BrowserKit.SignInAsync(page);
        var blocked = true;
        var refused = 0;
        await page.RouteAsync("**/_blazor/negotiate**", async route =>
        {
            if (!Volatile.Read(ref blocked)) { await route.ContinueAsync(); return; }
            Interlocked.Increment(ref refused);
            if (failure == "aborted") await route.AbortAsync();
            else await route.FulfillAsync(new() { Status = 503, Body = "Service Unavailable" });
        });

        var clock = Stopwatch.StartNew();
        await page.GotoAsync("/account/settings");
        var message = FailedStatus(page);
        await Assertions.Expect(message).ToBeVisibleAsync(new() { Timeout = 5000 }); // the time bound is 15 s
        Console.WriteLine($"negotiation {failure}: the failure shown {clock.Elapsed.TotalSeconds:0.0} s after the page was asked for");
        await Assertions.Expect(page.Locator("[data-circuit='failed']")).ToHaveCountAsync(1);
        await Assertions.Expect(BrowserKit.ConnectingStatus(page)).ToBeHiddenAsync();
        var reload = page.GetByRole(AriaRole.Button, new() { Name = "Reload" });
        await Assertions.Expect(reload).ToBeVisibleAsync();
        Assert.NotEqual("progress", await CursorAsync(page, "#theme-toggle")); // it will not start working
        await page.ScreenshotAsync(new() { Path = Shot($"circuit-failed-{failure}") });

        int refusedBefore = Volatile.Read(ref refused);
        await page.ClickAsync("nav a[href='/admin/users']"); // a plain page load, which fails to connect the same way
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Users");
        // Wait for this page's own start to be refused: the failed status of the page before can still be on screen
        // while the new start is under way, and unblocking then let that start through (the Reload button went away
        // with the failed status, a clean-clone run once timed out waiting for it).
        var waited = Stopwatch.StartNew();
        while (Volatile.Read(ref refused) == refusedBefore && waited.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(50);
        Assert.True(Volatile.Read(ref refused) > refusedBefore, "the page after the navigation never asked to start its circuit");
        await Assertions.Expect(FailedStatus(page)).ToBeVisibleAsync(new() { Timeout = 5000 });

        Volatile.Write(ref blocked, false);
        await page.GetByRole(AriaRole.Button, new() { Name = "Reload" }).ClickAsync();
        await BrowserKit.WaitForCircuitAsync(page);
        Assert.EndsWith("/admin/users", page.Url);
        await Assertions.Expect(page.Locator(".circuit-pending")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-circuit='failed']")).ToHaveCountAsync(0);
    }

    /// <summary>
    /// A circuit whose negotiation succeeds but whose every transport then fails (the WebSocket refused, long polling
    /// answered 503: a proxy that passes only the negotiation) never starts either. blazor.web.js logs "Failed to start
    /// the circuit." and leaves no FailedToNegotiateWithServerError, but its clean-up of the circuit that never got an id
    /// rejects unhandled ("Circuit host not initialized."): the message shows at once from that too, well before the
    /// default 15 s. A WebSocket refused alone is not such a failure (<see cref="A_refused_WebSocket_falls_back_to_long_polling_without_a_false_alarm"/>).
    /// </summary>
    [Fact]
    public async Task A_circuit_whose_transports_all_fail_after_the_negotiation_says_at_once_that_the_server_cannot_be_reached()
    {
        using var host = new WebTestHost();
        await using var browser = await BrowserKit.OpenPageAsync(host, 1366, 900);
        var page = browser.Page;
        await BrowserKit.SignInAsync(page);
        var blocked = true;
        await RefuseWebSocketsAsync(page, () => Volatile.Read(ref blocked));
        await page.RouteAsync("**/_blazor?id=**", async route =>
        {
            if (Volatile.Read(ref blocked)) await route.FulfillAsync(new() { Status = 503, Body = "Service Unavailable" });
            else await route.ContinueAsync();
        });
        var negotiated = 0;
        page.Response += (_, r) => { if (r.Url.Contains("/_blazor/negotiate") && r.Status == 200) Interlocked.Increment(ref negotiated); };

        var clock = Stopwatch.StartNew();
        await page.GotoAsync("/account/settings");
        await Assertions.Expect(FailedStatus(page)).ToBeVisibleAsync(new() { Timeout = 5000 }); // the time bound is 15 s
        Console.WriteLine($"transports refused: the failure shown {clock.Elapsed.TotalSeconds:0.0} s after the page was asked for");
        Assert.True(Volatile.Read(ref negotiated) > 0, "the negotiation itself went through");
        await Assertions.Expect(BrowserKit.ConnectingStatus(page)).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Reload" })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("circuit-failed-transports") });

        Volatile.Write(ref blocked, false);
        await page.GetByRole(AriaRole.Button, new() { Name = "Reload" }).ClickAsync();
        await BrowserKit.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator("[data-circuit='failed']")).ToHaveCountAsync(0);
    }

    /// <summary>
    /// The WebSocket refused while long polling works: SignalR falls back and the circuit starts. The failure is not
    /// shown on the way, not even for a moment (the layout's data-circuit is watched from before the page's first HTML).
    /// </summary>
    [Fact]
    public async Task A_refused_WebSocket_falls_back_to_long_polling_without_a_false_alarm()
    {
        using var host = new WebTestHost();
        await using var browser = await BrowserKit.OpenPageAsync(host, 1366, 900);
        var page = browser.Page;
        await BrowserKit.SignInAsync(page);
        await RefuseWebSocketsAsync(page, () => true);
        await page.AddInitScriptAsync(@"new MutationObserver(() => {
                if (document.querySelector(""[data-circuit='failed']"") !== null) window.sawCircuitFailed = true;
            }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-circuit'] });");

        await page.GotoAsync("/account/settings");
        await BrowserKit.WaitForCircuitAsync(page);
        await page.ClickAsync("#theme-toggle");
        await Assertions.Expect(page.Locator("#theme-toggle")).ToHaveAttributeAsync("data-theme", "dark");
        Assert.False(await page.EvaluateAsync<bool>("() => window.sawCircuitFailed === true"));
        Assert.False(await FailedStatus(page).IsVisibleAsync());
    }

    /// <summary>Refuses the page's circuit WebSockets (closed before they open) while <paramref name="refuse"/> says so.</summary>
    private static Task RefuseWebSocketsAsync(IPage page, Func<bool> refuse) =>
        page.RouteWebSocketAsync(new Regex("/_blazor"), async ws =>
        {
            if (refuse()) await ws.CloseAsync();
            else ws.ConnectToServer();
        });

    /// <summary>
    /// A circuit start that hangs (the negotiation held here) shows "Connecting…" and, after Shell:CircuitStartTimeoutSeconds
    /// (3 s here; the layout renders it into the page), the failure with its Reload button; on a phone as a strip under the
    /// bar that moves the page down rather than covering its heading. A circuit that starts after all still takes the page
    /// over: the message goes and the theme switch works.
    /// </summary>
    [Fact]
    public async Task A_circuit_start_that_hangs_gives_up_after_the_configured_time_and_a_late_start_still_takes_over()
    {
        using var host = new WebTestHost(settings: new() { ["Shell:CircuitStartTimeoutSeconds"] = "3" });
        await using var browser = await BrowserKit.OpenPageAsync(host, 390, 844);
        var page = browser.Page;
        await BrowserKit.SignInAsync(page);
        var release = await BrowserKit.HoldCircuitAsync(page);

        await page.GotoAsync("/account/settings");
        await Assertions.Expect(page.Locator(".circuit-pending")).ToHaveAttributeAsync("data-start-timeout-ms", "3000");
        await Assertions.Expect(BrowserKit.ConnectingStatus(page)).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(1500);
        Assert.False(await FailedStatus(page).IsVisibleAsync()); // not before its time
        await Assertions.Expect(BrowserKit.ConnectingStatus(page)).ToBeVisibleAsync();

        var message = FailedStatus(page);
        await Assertions.Expect(message).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Reload" })).ToBeVisibleAsync();
        var strip = (await page.Locator(".circuit-pending").BoundingBoxAsync())!;
        var heading = (await page.Locator("h1").BoundingBoxAsync())!;
        Assert.True(heading.Y >= strip.Y + strip.Height, $"the heading (top {heading.Y}) is under the strip (bottom {strip.Y + strip.Height})");
        Assert.True(strip.X >= 0 && strip.X + strip.Width <= 390, $"the strip spans {strip.X}..{strip.X + strip.Width}");
        Assert.Equal(0, await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth"));
        await page.ScreenshotAsync(new() { Path = Shot("circuit-failed-390") });

        release.SetResult();
        await BrowserKit.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator(".circuit-pending")).ToHaveCountAsync(0);
        await page.ClickAsync("#theme-toggle");
        await Assertions.Expect(page.Locator("#theme-toggle")).ToHaveAttributeAsync("data-theme", "dark");
    }

    /// <summary>
    /// On a phone the drawer is closed in the page's first HTML (js/screen-width-cookie.js tells the server the screen is
    /// narrow), so a burger tap made the moment the circuit is up opens it. Before, the layout started the drawer open,
    /// for wide screens, and MudBlazor's responsive drawer closed it only once the circuit had measured the screen (about
    /// 250 ms later): a tap in between closed the hidden drawer and showed nothing. Three pages, three first taps.
    /// </summary>
    [Fact]
    public async Task On_a_phone_the_first_burger_tap_the_moment_the_circuit_is_up_opens_the_drawer()
    {
        using var host = new WebTestHost();
        await using var browser = await BrowserKit.OpenPageAsync(host, 390, 844);
        var page = browser.Page;
        await BrowserKit.SignInAsync(page);
        var presetsLink = page.Locator("#nav-drawer a[href='/admin/presets']");

        foreach (var path in new[] { "/account/settings", "/history", "/admin/users" })
        {
            var response = await page.GotoAsync(path);
            Assert.Contains("mud-drawer--closed", DrawerTag(await response!.TextAsync()));
            await BrowserKit.WaitForCircuitAsync(page);
            await page.ClickAsync("#nav-toggle");
            await Assertions.Expect(presetsLink).ToBeInViewportAsync();
            await Assertions.Expect(page.Locator("#nav-drawer")).ToHaveClassAsync(new Regex("mud-drawer--open"));
        }
        await page.ScreenshotAsync(new() { Path = Shot("first-tap-390") });
    }

    /// <summary>
    /// A cookie written while the window was narrow, sent from a window now wide, prerenders the drawer closed; the
    /// layout measures the screen once the circuit is up and opens it (MudBlazor never opens a closed drawer by itself).
    /// On a wide screen with a current cookie the drawer is open from the first HTML.
    /// </summary>
    [Fact]
    public async Task On_a_wide_screen_the_drawer_is_open_even_when_the_width_cookie_still_says_narrow()
    {
        using var host = new WebTestHost();
        await using var browser = await BrowserKit.OpenPageAsync(host, 1366, 900);
        var page = browser.Page;
        await BrowserKit.SignInAsync(page);
        var usersLink = page.Locator("#nav-drawer a[href='/admin/users']");

        var current = await page.GotoAsync("/account/settings");
        Assert.Contains("mud-drawer--open", DrawerTag(await current!.TextAsync()));
        await BrowserKit.WaitForCircuitAsync(page);
        await Assertions.Expect(usersLink).ToBeInViewportAsync();

        await page.Context.AddCookiesAsync([new Cookie { Name = "sonicweb-narrow", Value = "1", Url = host.BaseAddress.ToString() }]);
        var stale = await page.GotoAsync("/history");
        Assert.Contains("mud-drawer--closed", DrawerTag(await stale!.TextAsync()));
        await BrowserKit.WaitForCircuitAsync(page);
        await Assertions.Expect(usersLink).ToBeInViewportAsync();
        await Assertions.Expect(page.Locator("#nav-drawer")).ToHaveClassAsync(new Regex("mud-drawer--open"));
        Assert.Equal("0", (await page.Context.CookiesAsync()).Single(c => c.Name == "sonicweb-narrow").Value); // the page rewrote it
    }

    /// <summary>The prerendered drawer's opening tag in a page's HTML.</summary>
    private static string DrawerTag(string html) => Regex.Match(html, "<[^<>]*id=\"nav-drawer\"[^<>]*>").Value;



    private static ILocator FailedStatus(IPage page) =>
        page.Locator("[role='status']").GetByText("Can’t reach the server. Check your connection, then reload.");

    private static Task<string> CursorAsync(IPage page, string selector) =>
        page.Locator(selector).EvaluateAsync<string>("e => getComputedStyle(e).cursor");

    private static Task<string> BackgroundAsync(IPage page) =>
        page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");

    /// <summary>
    /// Navigating inside the circuit between two pages of the same component (one job to another, and back) moves the
    /// focus to the new page's heading, so a screen reader announces the new page. FocusOnNavigate by itself acts only
    /// when the page's type changes, and the circuit's start on the loaded page still leaves the focus alone.
    /// </summary>
    [Fact]
    public async Task Going_from_one_job_page_to_another_moves_the_focus_to_the_new_pages_heading()
    {
        using var host = new WebTestHost();
        var first = await EmailNotificationTests.InsertJobAsync(host, j => (j.Name, j.Status, j.FinishedAt) = ("First greeting", Data.JobStatus.Failed, DateTime.UtcNow));
        var second = await EmailNotificationTests.InsertJobAsync(host, j => (j.Name, j.Status, j.FinishedAt) = ("Second greeting", Data.JobStatus.Failed, DateTime.UtcNow));
        await using var browser = await BrowserKit.OpenPageAsync(host, 1366, 900);
        var page = browser.Page;
        await BrowserKit.SignInAsync(page);
        var heading = page.Locator("h1");

        await page.GotoAsync($"/jobs/{first}");
        await BrowserKit.WaitForCircuitAsync(page);
        await Assertions.Expect(heading).ToHaveTextAsync("First greeting");
        await Assertions.Expect(heading).Not.ToBeFocusedAsync(); // the circuit's start takes no focus

        // A link to the other job, as any link in the app: the circuit's router follows it in place.
        await page.EvaluateAsync("id => { window.samePage = true; const a = document.createElement('a'); a.href = `/jobs/${id}`; a.id = 'to-second'; a.textContent = 'Second'; a.style.cssText = 'position: fixed; top: 0; left: 0; z-index: 99999; background: #fff'; document.body.append(a); }", second);
        await page.ClickAsync("#to-second");
        await Assertions.Expect(heading).ToHaveTextAsync("Second greeting");
        Assert.True(await page.EvaluateAsync<bool>("() => window.samePage === true")); // not a page load
        await Assertions.Expect(heading).ToBeFocusedAsync();

        await page.Locator("#to-second").FocusAsync(); // the focus elsewhere, then Back: the first job again
        await page.GoBackAsync();
        await Assertions.Expect(heading).ToHaveTextAsync("First greeting");
        await Assertions.Expect(heading).ToBeFocusedAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => window.samePage === true"));
    }
}
