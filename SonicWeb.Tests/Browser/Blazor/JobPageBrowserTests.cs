using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SonicWeb.Data;
using SonicWeb.Tests.TestSupport;
using SonicWeb.Tests.Web;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Browser.Blazor;

/// <summary>
/// The interactive job page in chromium: a job submitted through the API is watched live (frame counter and preview
/// change without a reload), confirmed after its preview, played and downloaded; another operator's tabs never receive
/// its events; screenshots at 1366 and 390 px, light and dark, go to test-artifacts/blazor-job-*.png.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class JobPageBrowserTests
{
    private const string Password = "user-password-for-tests";

    /// <summary>The fake backend at one second per second of video: a 9 s recording renders for about 9 s, time to watch.</summary>
    private static Dictionary<string, string> Watchable() => new() { [FakeBackend.PaceSetting] = "1" };

    [Fact]
    public async Task A_job_from_the_API_is_watched_live_confirmed_after_its_preview_played_and_downloaded()
    {
        using var host = new WebTestHost(settings: Watchable());
        var id = (await SubmitAsync(host.Http, TestMedia.AstronautPng, LongSpeech, ("min_resolution", "256"), ("name", "live clip"), ("preview_first", "true")))
            .GetProperty("id").GetString()!;
        await using var browser = await BrowserKit.OpenPageAsync(host, 1366, 900);
        var page = browser.Page;
        var problems = BrowserKit.WatchForProblems(page);
        await BrowserKit.SignInAsync(page);

        await page.GotoAsync($"/jobs/{id}");
        await BrowserKit.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("AwaitingConfirmation");
        await Assertions.Expect(page.Locator("#confirm-note")).ToBeVisibleAsync();
        Assert.Contains($"/api/jobs/{id}/preview", await page.Locator("#preview").GetAttributeAsync("src"));
        await page.EvaluateAsync("() => window.sonicSamePage = true"); // gone if anything reloads the page

        // Confirm behind the dialog; "Back" first leaves the job waiting.
        await page.ClickAsync("#confirm");
        await page.ClickAsync(".mud-dialog button:has-text('Back')");
        await Assertions.Expect(page.Locator(".mud-dialog")).ToHaveCountAsync(0);
        Assert.Equal("AwaitingConfirmation", (await GetJobAsync(host.Http, id)).Status());
        await page.ClickAsync("#confirm");
        await page.ClickAsync(".mud-dialog button:has-text('Render')");

        // Watch: the counter rises and the preview image changes, all pushed through the circuit.
        var frames = new List<int>();
        var previews = new HashSet<string>();
        var until = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < until && await page.Locator("#status").InnerTextAsync() is not "Succeeded" and not "Failed")
        {
            if (int.TryParse(await page.Locator("#frames-done").InnerTextAsync(), out var f) && (frames.Count == 0 || frames[^1] != f)) frames.Add(f);
            // Read in one step: the image is replaced by the player the moment the job ends (a locator would wait for it).
            if (await page.EvaluateAsync<string?>("() => document.getElementById('preview')?.getAttribute('src') ?? null") is { } src && src.Contains("?n=")) previews.Add(src);
            if (frames.Count(x => x > 0) == 3) await BrowserKit.ScreenshotWholePageAsync(page, Shot("running", 1366, false));
            await Task.Delay(100);
        }
        Assert.True(frames.Count(f => f > 0) >= 3, "frame counter updated live: " + string.Join(",", frames));
        Assert.Equal(frames.OrderBy(f => f), frames);
        Assert.True(previews.Count >= 2, "preview changed live: " + string.Join(" ", previews));
        Assert.True(await page.EvaluateAsync<bool>("() => window.sonicSamePage === true"), "the page was reloaded");

        // Done: the player plays, the download is the MP4 at the chosen size, the confirm button is gone.
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Succeeded");
        await Assertions.Expect(page.Locator("#confirm")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#frames-done")).Not.ToHaveTextAsync("0");
        var played = await BrowserKit.PlayAsync(page, "player");
        Assert.True(played > 0.2, $"video currentTime {played}");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#download"));
        var saved = Path.Combine(TestMedia.WorkDir, "job-page-download.mp4");
        await download.SaveAsAsync(saved);
        Assert.Equal("live clip.mp4", download.SuggestedFilename);
        Assert.Equal(256, Probe(saved).Width);
        Assert.Empty(problems);
    }

    [Fact]
    public async Task A_job_whose_events_never_reach_the_page_still_shows_its_end_within_seconds()
    {
        // Between nodes, events travel through a broker and are lost while it is down; the page must not show the job
        // as waiting forever. Here the row changes behind the events' back (as another node's change would arrive
        // when its event was lost): the page reads the job again after a quiet spell, without a reload.
        using var host = new WebTestHost(settings: Watchable());
        var id = (await SubmitAsync(host.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"), ("preview_first", "true")))
            .GetProperty("id").GetString()!;
        await WaitForAsync(host.Http, id, j => j.Status() == "AwaitingConfirmation", TimeSpan.FromSeconds(60));
        await using var browser = await BrowserKit.OpenPageAsync(host);
        var page = browser.Page;
        await BrowserKit.SignInAsync(page);
        await page.GotoAsync($"/jobs/{id}");
        await BrowserKit.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("AwaitingConfirmation");
        await page.EvaluateAsync("() => window.sonicSamePage = true");

        await using (var db = await host.Services.GetRequiredService<IDbContextFactory<SonicDbContext>>().CreateDbContextAsync())
        {
            var job = await db.Jobs.SingleAsync(j => j.Id == id);
            job.Status = JobStatus.Cancelled; // no event is published for this change
            job.FinishedAt = DateTime.UtcNow;
            await db.SaveChangesAsync();
        }

        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Cancelled", new() { Timeout = 25_000 });
        await Assertions.Expect(page.Locator("#confirm")).ToHaveCountAsync(0);
        Assert.True(await page.EvaluateAsync<bool>("() => window.sonicSamePage === true"), "the page was reloaded");
    }

    [Fact]
    public async Task Another_operators_tabs_never_receive_a_jobs_events_while_the_owners_page_and_snackbar_do()
    {
        using var host = new WebTestHost(settings: Watchable());
        var (ana, _) = await host.CreateUserAsync("ana@sonic.example.test", "Operator", "Ana");
        var (bo, _) = await host.CreateUserAsync("bo@sonic.example.test", "Operator", "Bo");
        await using var browser = await BrowserKit.OpenPageAsync(host, 1366, 900);

        // Each tab (a context of its own, signed in as its person) records what its circuit's WebSocket brings in.
        async Task<(IPage Page, List<string> Frames)> SignedInTabAsync(IPage page, string email)
        {
            var frames = new List<string>();
            page.WebSocket += (_, socket) => socket.FrameReceived += (_, f) =>
            {
                var text = f.Text ?? (f.Binary is { } b ? System.Text.Encoding.UTF8.GetString(b) : "");
                lock (frames) frames.Add(text);
            };
            await BrowserKit.SignInAsync(page, email, Password);
            return (page, frames);
        }
        var (anaJobPage, anaJobFrames) = await SignedInTabAsync(browser.Page, "ana@sonic.example.test");
        var (anaElsewhere, _) = await SignedInTabAsync(await browser.NewPageAsync(1366, 900), "ana@sonic.example.test");
        var (boJobPage, boJobFrames) = await SignedInTabAsync(await browser.NewPageAsync(1366, 900), "bo@sonic.example.test");
        var (boElsewhere, boElsewhereFrames) = await SignedInTabAsync(await browser.NewPageAsync(1366, 900), "bo@sonic.example.test");
        await anaElsewhere.GotoAsync("/account/settings");
        await boElsewhere.GotoAsync("/account/settings");
        await BrowserKit.WaitForCircuitAsync(anaElsewhere);
        await BrowserKit.WaitForCircuitAsync(boElsewhere);

        var id = (await SubmitAsync(ana, TestMedia.AstronautPng, LongSpeech, ("min_resolution", "256"), ("name", "ana private clip")))
            .GetProperty("id").GetString()!;
        await anaJobPage.GotoAsync($"/jobs/{id}");
        await boJobPage.GotoAsync($"/jobs/{id}");
        await BrowserKit.WaitForCircuitAsync(anaJobPage);
        await BrowserKit.WaitForCircuitAsync(boJobPage);
        await Assertions.Expect(boJobPage.Locator("#denied")).ToContainTextAsync("belongs to someone else");

        // The owner's page counts frames and ends with the video; her other tab gets the snackbar with a link.
        await Assertions.Expect(anaJobPage.Locator("#frames-done")).Not.ToHaveTextAsync("0", new() { Timeout = 60_000 });
        await Assertions.Expect(anaJobPage.Locator("#status")).ToHaveTextAsync("Succeeded", new() { Timeout = 90_000 });
        var snack = anaElsewhere.Locator($".job-finished[data-id='{id}']");
        await Assertions.Expect(snack).ToContainTextAsync("\"ana private clip\" is ready.");
        Assert.Equal($"/jobs/{id}", await snack.Locator("a").GetAttributeAsync("href"));
        await anaElsewhere.ScreenshotAsync(new() { Path = Shot("snackbar", 1366, false) });

        // Bo's tabs: the refusal, no snackbar, and not one WebSocket frame naming the job, after it ended.
        await Task.Delay(1000);
        Assert.Equal(0, await boElsewhere.Locator(".job-finished, .mud-snackbar").CountAsync());
        Assert.Equal(0, await boJobPage.Locator("#frames-done").CountAsync());
        // His job page's own address and route parameter (the id he typed) are echoed back to it by the framework; anything
        // else naming the job (its name, its API links such as the live preview's) would be a leak. His other tab never
        // had the id, so there the id on its own counts as a leak too.
        bool Leaks(string frame, bool typedTheId) => frame.Contains("ana private clip") || frame.Contains($"api/jobs/{id}")
            || (!typedTheId && frame.Replace($"/jobs/{id}", "").Contains(id));
        Assert.Contains(Snapshot(anaJobFrames), f => f.Contains($"/api/jobs/{id}/preview?n=")); // the owner's socket carried the live previews
        foreach (var (frames, typedTheId) in new[] { (boJobFrames, true), (boElsewhereFrames, false) })
        {
            var snapshot = Snapshot(frames);
            Assert.NotEmpty(snapshot); // the circuits were alive
            var leak = snapshot.FirstOrDefault(f => Leaks(f, typedTheId));
            Assert.True(leak is null, "a frame names the job: " + Around(leak ?? "", id));
        }
        ana.Dispose();
        bo.Dispose();
    }

    [Fact]
    public async Task The_job_page_renders_at_desktop_and_phone_width_in_both_themes()
    {
        using var host = new WebTestHost(settings: Watchable());
        var done = (await SubmitAsync(host.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"), ("name", "A product intro with a rather long name for narrow screens")))
            .GetProperty("id").GetString()!;
        Assert.Equal("Succeeded", (await WaitForAsync(host.Http, done, IsFinished, TimeSpan.FromSeconds(60))).Status());
        var found = await BrowserKit.InEveryThemeAndWidthAsync(host, async (page, width, dark, problems) =>
        {
            await BrowserKit.SignInAsync(page);
            await page.GotoAsync($"/jobs/{done}");
            await BrowserKit.WaitForCircuitAsync(page);
            await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Succeeded");
            await Assertions.Expect(page.Locator("#player")).ToBeVisibleAsync();
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            if (overflow > 0) problems.Add($"job page at {width} px scrolls sideways by {overflow} px");
            await BrowserKit.ScreenshotWholePageAsync(page, Shot("done", width, dark));
        });
        Assert.Empty(found);
    }

    private static string Shot(string name, int width, bool dark) =>
        Path.Combine(TestMedia.ArtifactsDir, $"blazor-job-{name}-{width}-{(dark ? "dark" : "light")}.png");

    /// <summary>The readable text around the first mention of <paramref name="what"/> in a binary frame (for the failure message).</summary>
    private static string Around(string frame, string what)
    {
        int at = Math.Max(0, frame.IndexOf(what, StringComparison.Ordinal));
        var part = frame.Substring(Math.Max(0, at - 300), Math.Min(frame.Length - Math.Max(0, at - 300), 600));
        return new string(part.Where(ch => !char.IsControl(ch) && ch != '\uFFFD').ToArray());
    }

    private static List<string> Snapshot(List<string> frames)
    {
        lock (frames) return [.. frames];
    }
}
