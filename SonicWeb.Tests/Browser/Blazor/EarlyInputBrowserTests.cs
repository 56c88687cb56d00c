using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SonicWeb.Accounts;
using SonicWeb.Data;
using SonicWeb.Engine.Backends;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Jobs;
using SonicWeb.Tests.TestSupport;
using SonicWeb.Tests.Web;
using static SonicWeb.Tests.Web.EmailNotificationTests;

namespace SonicWeb.Tests.Browser.Blazor;

/// <summary>
/// Text typed into a prerendered page's fields while its circuit is still starting (held back here at its negotiation).
/// The circuit's first render replaces the prerendered fields; without js/early-input.js the text vanished at that
/// moment, the focus with it, and the components never saw it: the search did not search, the form said "required".
/// With it the text stays, the components get it, and typing carries on in the same field.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class EarlyInputBrowserTests
{
    private static string Shot(string name) => Path.Combine(TestMedia.ArtifactsDir, $"blazor-early-input-{name}.png");

    /// <summary>The history search (a MudTextField with Immediate and a 300 ms DebounceInterval, bound to the address's q).</summary>
    [Fact]
    public async Task A_search_typed_before_the_circuit_is_up_stays_in_the_field_filters_once_connected_and_typing_carries_on()
    {
        using var host = new WebTestHost();
        foreach (var name in new[] { "Spring hello", "Spring thanks", "Autumn welcome" })
            await InsertJobAsync(host, j => (j.Name, j.Status, j.FinishedAt) = (name, JobStatus.Succeeded, DateTime.UtcNow));
        await using var browser = await BrowserKit.OpenPageAsync(host, 1366, 900);
        var page = browser.Page;
        await BrowserKit.SignInAsync(page);
        var release = await BrowserKit.HoldCircuitAsync(page);
        var search = page.Locator("#filter-text");
        var rows = page.Locator("[data-job-id]");

        await page.GotoAsync("/history");
        await search.PressSequentiallyAsync("spring");
        Assert.Equal(0, await page.Locator("[data-circuit='connected']").CountAsync());
        await Assertions.Expect(rows).ToHaveCountAsync(3); // nothing can filter yet

        release.SetResult();
        await BrowserKit.WaitForCircuitAsync(page);
        await Assertions.Expect(search).ToHaveValueAsync("spring"); // was wiped
        await Assertions.Expect(rows).ToHaveTextAsync(["Spring thanks", "Spring hello"]);
        await page.WaitForURLAsync(new Regex("/history\\?q=spring$"));
        await page.ScreenshotAsync(new() { Path = Shot("history-search") });

        await Assertions.Expect(search).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(" t"); // where the caret was
        await Assertions.Expect(search).ToHaveValueAsync("spring t");
        await Assertions.Expect(rows).ToHaveTextAsync(["Spring thanks"]);

        await page.ClickAsync("nav a[href='/admin/users']"); // navigating inside the circuit still takes the focus to the heading
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Users");
        await Assertions.Expect(page.Locator("h1")).ToBeFocusedAsync();
    }

    /// <summary>
    /// The admin's new-user form (MudTextFields bound on change, in a MudForm that validates on Create): typed before
    /// the circuit is up, the person still typing in the password field when it comes up, then Create.
    /// </summary>
    [Fact]
    public async Task A_new_user_form_filled_in_before_the_circuit_is_up_creates_the_user_the_form_shows()
    {
        using var host = new WebTestHost();
        await using var browser = await BrowserKit.OpenPageAsync(host, 1366, 900);
        var page = browser.Page;
        await BrowserKit.SignInAsync(page);
        var release = await BrowserKit.HoldCircuitAsync(page);

        await page.GotoAsync("/admin/users");
        await page.Locator("#new-user-email").PressSequentiallyAsync("bea@sonicweb.test");
        await page.Locator("#new-user-name").PressSequentiallyAsync("Bea Early");
        await page.Locator("#new-user-password").PressSequentiallyAsync("a-long-pass");
        Assert.Equal(0, await page.Locator("[data-circuit='connected']").CountAsync());

        release.SetResult();
        await BrowserKit.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator("#new-user-email")).ToHaveValueAsync("bea@sonicweb.test"); // each was wiped
        await Assertions.Expect(page.Locator("#new-user-name")).ToHaveValueAsync("Bea Early");
        await Assertions.Expect(page.Locator("#new-user-password")).ToHaveValueAsync("a-long-pass");
        await Assertions.Expect(page.Locator("#new-user-password")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("word-1");
        await Assertions.Expect(page.Locator("#new-user-password")).ToHaveValueAsync("a-long-password-1");
        await BrowserKit.ScreenshotWholePageAsync(page, Shot("new-user"));

        await page.ClickAsync("#create-user");
        await Assertions.Expect(page.Locator("#users tbody tr").Filter(new() { HasText = "bea@sonicweb.test" })).ToContainTextAsync("Bea Early");
        await Assertions.Expect(page.Locator("#new-user-error")).ToHaveCountAsync(0);
        // The form starts again: empty fields, and the role select shows its default role (it was blank after the reset).
        await Assertions.Expect(page.Locator("#new-user-email")).ToHaveValueAsync("");
        // The text the select shows: MudSelect draws it in its combobox element (a blank input there when it has none).
        await Assertions.Expect(page.Locator("#new-user [role='combobox']")).ToHaveTextAsync("Operator");
        await BrowserKit.ScreenshotWholePageAsync(page, Shot("new-user-created"));
        await using var scope = host.Services.CreateAsyncScope();
        var bea = (await scope.ServiceProvider.GetRequiredService<UserDirectory>().ListAsync()).Single(u => u.Email == "bea@sonicweb.test");
        Assert.Equal("Bea Early", bea.DisplayName);
        (await host.SignInAsync("bea@sonicweb.test", "a-long-password-1")).Client.Dispose(); // the password shown, all of it (throws if not)
    }

    /// <summary>
    /// The settings page's "name of a new key" (a MudTextField bound on change, outside any form): typed before the
    /// circuit is up, still being typed in when it comes up, then Create key makes a key of the whole name.
    /// </summary>
    [Fact]
    public async Task A_key_name_typed_on_the_settings_page_before_the_circuit_is_up_names_the_key_created()
    {
        using var host = new WebTestHost();
        await using var browser = await BrowserKit.OpenPageAsync(host, 1366, 900);
        var page = browser.Page;
        var problems = BrowserKit.WatchForProblems(page);
        await BrowserKit.SignInAsync(page);
        var release = await BrowserKit.HoldCircuitAsync(page);
        var name = page.Locator("#key-name");

        await page.GotoAsync("/account/settings");
        await name.PressSequentiallyAsync("catalogue");
        Assert.Equal(0, await page.Locator("[data-circuit='connected']").CountAsync());

        release.SetResult();
        await BrowserKit.WaitForCircuitAsync(page);
        await Assertions.Expect(name).ToHaveValueAsync("catalogue");
        await Assertions.Expect(name).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(" script");
        await Assertions.Expect(name).ToHaveValueAsync("catalogue script");
        await BrowserKit.ScreenshotWholePageAsync(page, Shot("settings"));

        await page.ClickAsync("#create-key");
        await Assertions.Expect(page.Locator("#new-key-dialog")).ToBeVisibleAsync();
        await page.ClickAsync("#close-key");
        await Assertions.Expect(page.Locator("#api-keys [data-key-id]")).ToHaveTextAsync(["catalogue script"]);
        Assert.Empty(problems);
    }

    /// <summary>
    /// The new video page's name (a MudTextField with Immediate) and parameter fields (MudNumericFields with Immediate,
    /// one blank, one holding its default, one beside a slider): filled in before the circuit is up, the last one
    /// still being typed in when it comes up; the video is made with what the fields show. The page's start in the
    /// circuit is held too (a second backend whose health check waits, as a remote ComfyUI host's may): the fields are
    /// there and typed into before it ends, and its end used to put the parameters back to their defaults.
    /// </summary>
    [Fact]
    public async Task The_new_video_pages_name_and_parameters_typed_before_the_circuit_is_up_are_the_ones_the_job_gets()
    {
        var slow = new GatedBackend();
        using var host = new WebTestHost(services: s => s.AddSingleton<IGenerationBackend>(slow));
        await using var browser = await BrowserKit.OpenPageAsync(host, 1366, 900);
        var page = browser.Page;
        var problems = BrowserKit.WatchForProblems(page);
        await BrowserKit.SignInAsync(page);
        var release = await BrowserKit.HoldCircuitAsync(page);

        await page.GotoAsync("/new"); // prerendered with the gate open
        slow.Close();
        await page.Locator("#name").PressSequentiallyAsync("Early greeting");
        await page.Locator("#p-seed").PressSequentiallyAsync("4242");
        await page.Locator("#p-inference_steps").SelectTextAsync();
        await page.Keyboard.TypeAsync("12");
        await page.Locator("#p-min_resolution").SelectTextAsync();
        await page.Keyboard.TypeAsync("64");
        Assert.Equal(0, await page.Locator("[data-circuit='connected']").CountAsync());

        release.SetResult();
        await BrowserKit.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator("#name")).ToHaveValueAsync("Early greeting");
        await Assertions.Expect(page.Locator("#p-seed")).ToHaveValueAsync("4242");
        await Assertions.Expect(page.Locator("#p-inference_steps")).ToHaveValueAsync("12");
        await Assertions.Expect(page.Locator("#p-min_resolution")).ToHaveValueAsync("64");
        await Assertions.Expect(page.Locator("#p-min_resolution")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("0");
        await Assertions.Expect(page.Locator("#p-min_resolution")).ToHaveValueAsync("640");
        await Assertions.Expect(page.Locator("#slider-min_resolution input[type=range]")).ToHaveValueAsync("640");

        slow.Open(); // the page's start ends: the backend picker appears, the values stay
        await Assertions.Expect(page.Locator("#backend")).ToHaveCountAsync(1);
        await page.Locator("#p-min_resolution").BlurAsync();
        await Assertions.Expect(page.Locator("#p-seed")).ToHaveValueAsync("4242");
        await Assertions.Expect(page.Locator("#p-inference_steps")).ToHaveValueAsync("12");
        await Assertions.Expect(page.Locator("#p-min_resolution")).ToHaveValueAsync("640");
        await Assertions.Expect(page.Locator("#video-settings .mud-input-error")).ToHaveCountAsync(0); // "64" was judged; 640 is fine
        await BrowserKit.ScreenshotWholePageAsync(page, Shot("new-video"));

        await NewVideoBrowserTests.ChooseFilesAsync(page);
        await Assertions.Expect(page.Locator("#name")).ToHaveValueAsync("Early greeting"); // not the photo's name
        await Assertions.Expect(page.Locator("#p-min_resolution")).ToHaveValueAsync("640");
        await Assertions.Expect(page.Locator("#estimate")).ToContainTextAsync("at 640 × 640");
        await page.ClickAsync("#submit");
        await page.WaitForURLAsync("**/jobs/*", new() { Timeout = 30_000 });
        var job = await host.Services.GetRequiredService<JobQueries>().GetAsync(page.Url.Split('/').Last(), CancellationToken.None);
        Assert.NotNull(job);
        Assert.Equal("Early greeting", job.Name);
        Assert.Equal(FakeBackend.Name, job.Backend);
        Assert.Equal(4242, job.Parameters.GetProperty("seed").GetInt32());
        Assert.Equal(640, job.Parameters.GetProperty("min_resolution").GetInt32());
        Assert.Equal(12, job.Parameters.GetProperty("inference_steps").GetInt32());
        Assert.Empty(problems);
    }

    /// <summary>
    /// The new video page's "Preview first" switch and a parameter's slider, used before the circuit is up. The switch is
    /// a native checkbox whose look the circuit draws: a click used to flip the input but not the switch on screen, and
    /// the circuit's first render put the prerendered state back, so the choice was lost without a sign. Now the click
    /// changes nothing, says "Connecting…", and the switch looks disabled until the circuit is up; then it works. The
    /// slider moves under the person's hand before the circuit (a native range input): its value is carried over like
    /// text, and the number field beside it follows once connected.
    /// </summary>
    [Fact]
    public async Task A_switch_clicked_before_the_circuit_is_up_looks_disabled_and_keeps_its_state_and_a_slider_moved_is_carried_over()
    {
        using var host = new WebTestHost();
        await using var held = await HoldAsync(host);
        var (page, problems, animations, release) = (held.Page, held.Problems, held.Animations, held.Release);
        var input = page.Locator("#preview-first");
        var toggle = page.Locator("label.mud-switch", new() { Has = input });
        var slider = page.Locator("#slider-min_resolution input[type=range]");
        var number = page.Locator("#p-min_resolution");
        async Task<(bool, string?)> StateAsync() => (await input.EvaluateAsync<bool>("e => e.checked"), await input.GetAttributeAsync("aria-checked"));

        await page.GotoAsync("/new");
        var shown = await StateAsync(); // what the switch shows (aria-checked) and is (checked) agree
        Assert.Equal(shown.Item1 ? "true" : "false", shown.Item2);
        await Assertions.Expect(toggle).ToHaveCSSAsync("opacity", "1");
        await toggle.ClickAsync();
        Assert.Equal(0, await page.Locator("[data-circuit='connected']").CountAsync());
        Assert.Equal(shown, await StateAsync()); // the input did not flip behind a switch that shows the same
        await Assertions.Expect(page.Locator(".circuit-pending")).ToBeVisibleAsync();
        await Assertions.Expect(toggle).ToHaveCSSAsync("opacity", "0.5");
        await Assertions.Expect(page.Locator("div.mud-input-control.mud-select:has(#preset)")).ToHaveCSSAsync("opacity", "0.5");

        var start = await slider.InputValueAsync();
        await slider.FocusAsync();
        for (var i = 0; i < 4; i++) await page.Keyboard.PressAsync("ArrowRight");
        var moved = (int.Parse(start) + 4 * 16).ToString();
        await Assertions.Expect(slider).ToHaveValueAsync(moved);
        await Assertions.Expect(number).ToHaveValueAsync(start); // nothing follows yet
        await BrowserKit.ScreenshotWholePageAsync(page, Shot("switch-before"));

        release.SetResult();
        await BrowserKit.WaitForCircuitAsync(page);
        await Assertions.Expect(number).ToHaveValueAsync(moved); // the slider was put back to the prerendered value
        await Assertions.Expect(slider).ToHaveValueAsync(moved);
        await Assertions.Expect(slider).ToBeFocusedAsync();
        Assert.Equal(shown, await StateAsync());
        await Assertions.Expect(toggle).ToHaveCSSAsync("opacity", "1");
        await BrowserKit.SetAnimationRateAsync(animations, 1);
        await toggle.ClickAsync(); // now it works
        await Assertions.Expect(input).ToHaveAttributeAsync("aria-checked", shown.Item1 ? "false" : "true");
        Assert.Equal(!shown.Item1, await input.EvaluateAsync<bool>("e => e.checked"));
        await BrowserKit.ScreenshotWholePageAsync(page, Shot("switch-after"));
        Assert.Empty(problems);
    }

    /// <summary>
    /// A history row's checkbox (MudTable's multi-select, a MudCheckBox: a native checkbox under a tick the circuit
    /// draws) clicked before the circuit is up: the click is cancelled (js/early-controls.js), so the box stays unticked
    /// and no row is chosen that the circuit's first render would forget; "Connecting…" shows at once. Once connected the
    /// same box chooses the row.
    /// </summary>
    [Fact]
    public async Task A_history_row_checkbox_clicked_before_the_circuit_is_up_stays_unticked_and_chooses_the_row_once_connected()
    {
        using var host = new WebTestHost();
        var id = await InsertJobAsync(host, j => (j.Name, j.Status, j.FinishedAt) = ("Early choice", JobStatus.Succeeded, DateTime.UtcNow));
        await using var held = await HoldAsync(host);
        var page = held.Page;
        var label = page.Locator($"tr:has([data-job-id='{id}']) label.mud-checkbox");
        var box = label.Locator("input[type=checkbox]");
        var count = page.Locator("#selection-count");

        await page.GotoAsync("/history");
        await Assertions.Expect(count).ToHaveTextAsync("Choose rows to download or delete them together.");
        Assert.False(await box.IsCheckedAsync());
        var unticked = await label.Locator("svg").InnerHTMLAsync(); // the icon the page shows for "not chosen"
        await label.ClickAsync();
        Assert.Equal(0, await page.Locator("[data-circuit='connected']").CountAsync());
        await Assertions.Expect(BrowserKit.ConnectingStatus(page)).ToBeVisibleAsync();
        Assert.False(await box.IsCheckedAsync()); // the input did not flip behind a box that still shows no tick
        Assert.Equal(unticked, await label.Locator("svg").InnerHTMLAsync());
        await Assertions.Expect(label).ToHaveCSSAsync("opacity", "0.5");
        await page.ScreenshotAsync(new() { Path = Shot("history-checkbox-before") });

        await BrowserKit.SetAnimationRateAsync(held.Animations, 1);
        held.Release.SetResult();
        await BrowserKit.WaitForCircuitAsync(page);
        Assert.False(await box.IsCheckedAsync()); // not replayed
        await Assertions.Expect(count).ToHaveTextAsync("Choose rows to download or delete them together.");
        await label.ClickAsync();
        await Assertions.Expect(count).ToHaveTextAsync("1 chosen");
        await Assertions.Expect(box).ToBeCheckedAsync();
        Assert.NotEqual(unticked, await label.Locator("svg").InnerHTMLAsync()); // and the tick shows
        await page.ScreenshotAsync(new() { Path = Shot("history-checkbox-after") });
        Assert.Empty(held.Problems);
    }

    /// <summary>
    /// A user's role select on the admin's users page (a MudSelect, whose list is opened by the circuit) clicked before
    /// the circuit is up: it cannot open, so "Connecting…" shows at once and the select keeps showing the role it had.
    /// Once connected the same select opens its list of roles.
    /// </summary>
    [Fact]
    public async Task A_role_select_clicked_before_the_circuit_is_up_keeps_its_role_and_opens_once_connected()
    {
        using var host = new WebTestHost();
        (await host.CreateUserAsync("bea@sonicweb.test", Roles.Reviewer, "Bea")).Client.Dispose();
        await using var held = await HoldAsync(host);
        var page = held.Page;
        var select = page.Locator("#users tbody tr", new() { HasText = "bea@sonicweb.test" }).Locator("div.mud-input-control.mud-select");
        var shown = select.Locator("[role='combobox']");
        var list = page.Locator(".mud-popover-open .mud-list-item");

        await page.GotoAsync("/admin/users");
        await Assertions.Expect(shown).ToHaveTextAsync("Reviewer");
        await select.ClickAsync();
        Assert.Equal(0, await page.Locator("[data-circuit='connected']").CountAsync());
        await Assertions.Expect(BrowserKit.ConnectingStatus(page)).ToBeVisibleAsync();
        await Assertions.Expect(shown).ToHaveTextAsync("Reviewer");
        await Assertions.Expect(select).ToHaveCSSAsync("opacity", "0.5");
        Assert.Equal(0, await list.CountAsync());
        await page.ScreenshotAsync(new() { Path = Shot("role-select-before") });

        await BrowserKit.SetAnimationRateAsync(held.Animations, 1);
        held.Release.SetResult();
        await BrowserKit.WaitForCircuitAsync(page);
        await Assertions.Expect(shown).ToHaveTextAsync("Reviewer");
        await Assertions.Expect(list).ToHaveCountAsync(0); // not replayed
        await select.ClickAsync();
        await Assertions.Expect(list).ToHaveTextAsync(Roles.All.ToArray());
        await page.ScreenshotAsync(new() { Path = Shot("role-select-after") });
        Assert.Empty(held.Problems);
    }

    /// <summary>
    /// The start of the tests of controls used before the circuit is up: the admin signed in on a fresh page watched for
    /// problems, its CSS animations frozen (the status's own 0.4 s cannot pass, so only a click can show it) and its
    /// circuits held back at their negotiation until <see cref="HeldPage.Release"/> is set.
    /// </summary>
    private static async Task<HeldPage> HoldAsync(WebTestHost host)
    {
        var browser = await BrowserKit.OpenPageAsync(host, 1366, 900);
        var page = browser.Page;
        var problems = BrowserKit.WatchForProblems(page);
        await BrowserKit.SignInAsync(page);
        var animations = await BrowserKit.FreezeAnimationsAsync(page);
        return new HeldPage(browser, problems, animations, await BrowserKit.HoldCircuitAsync(page));
    }

    private sealed record HeldPage(BrowserKit.OpenPage Browser, List<string> Problems, ICDPSession Animations, TaskCompletionSource Release)
        : IAsyncDisposable
    {
        public IPage Page => Browser.Page;
        public ValueTask DisposeAsync() => Browser.DisposeAsync();
    }


    /// <summary>A second backend whose health check waits while the test holds it (closed: until opened again).</summary>
    private sealed class GatedBackend : IGenerationBackend, IBackendHealth
    {
        private volatile TaskCompletionSource _gate = Opened();

        private static TaskCompletionSource Opened()
        {
            var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            open.SetResult();
            return open;
        }

        public void Close() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        public void Open() => _gate.TrySetResult();

        public BackendDescription Description { get; } = new("gated", "Test backend whose health check can be held",
            ParameterCatalog.Names.ToHashSet(), new BackendLimits(600, 600, 256, 2048),
            new CostModel(OverheadSeconds: 1, SecondsPerWorkUnit: 1, StepExponent: 0));

        public async Task<BackendHealth> CheckHealthAsync(CancellationToken ct = default)
        {
            await _gate.Task.WaitAsync(ct);
            return BackendHealth.InProcess;
        }

        public Task<InspectionResult> InspectAsync(string imagePath, string audioPath, GenerationParameters parameters, CancellationToken ct = default) =>
            throw new NotSupportedException();
        public Task<PreviewResult> RenderPreviewAsync(string imagePath, string audioPath, GenerationParameters parameters, CancellationToken ct = default) =>
            throw new NotSupportedException();
        public Task<GenerationResult> GenerateAsync(GenerationRequest request, IProgress<GenerationProgress>? progress = null, CancellationToken ct = default) =>
            throw new NotSupportedException();
    }
}
