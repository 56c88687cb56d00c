using System.IO.Compression;
using Microsoft.Playwright;
using SonicWeb.Tests.TestSupport;
using SonicWeb.Tests.Web;
using SonicWeb.Tests.Web.Team;

namespace SonicWeb.Tests.Browser;

/// <summary>Presets and batches as a person uses them in the browser. Screenshots go to test-artifacts/team-*.png.</summary>
[Collection(WebCollection.Name)]
public sealed class TeamBrowserTests
{
    [Fact]
    public async Task Admin_makes_a_preset_it_fills_the_new_video_form_and_a_batch_runs_to_a_zip_with_live_progress()
    {
        using var host = new WebTestHost(settings: WebTestKit.Paced()); // the batch page must see it running
        await using var browser = await BrowserKit.OpenPageAsync(host, 1200, 1000);
        var page = browser.Page;
        var problems = BrowserKit.WatchForProblems(page);
        string Shot(string name) => Path.Combine(TestMedia.ArtifactsDir, $"team-{name}.png");
        await BrowserKit.SignInAsync(page);
        await BrowserKit.WaitForCircuitAsync(page); // a menu click made while the circuit starts is lost (the framework's router takes it)

        // Admin page: create a preset with two parameters set; the rest stay blank (defaults).
        await page.ClickAsync("nav a[href='/admin/presets']");
        await BrowserKit.WaitForCircuitAsync(page); // an interactive MudBlazor page
        await Assertions.Expect(page.Locator("#presets")).ToContainTextAsync("Quick draft 512");
        await page.FillAsync("#preset-name", "Catalogue 256");
        await page.FillAsync("#preset-description", "Small, whole photo");
        await page.FillAsync("#p-min_resolution", "256");
        await page.ClickAsync(".mud-select:has(#p-crop)"); // a MudSelect: open it, pick the item
        await page.ClickAsync(".mud-popover-open .mud-list-item:has-text('full')");
        await Assertions.Expect(page.Locator("#p-crop")).ToHaveValueAsync("full"); // the choice reached the circuit before saving (a busy machine lags)
        await page.ClickAsync("#save-preset");
        await Assertions.Expect(page.Locator("#message")).ToHaveTextAsync("Preset 'Catalogue 256' created.");
        await Assertions.Expect(page.Locator("#presets tr:has([data-name='Catalogue 256'])")).ToContainTextAsync("min_resolution = 256, crop = full");
        await BrowserKit.ScreenshotWholePageAsync(page, Shot("1-presets"));

        // New video page: choosing a preset fills the fields and the estimate follows.
        await page.GotoAsync("/");
        await BrowserKit.WaitForCircuitAsync(page); // an interactive MudBlazor page
        await BrowserKit.SetFilesAsync(page, "#audio", BatchTestKit.Clip("Hello.", "hello"));
        await BrowserKit.PickAsync(page, "#preset", "Quick draft 512");
        await Assertions.Expect(page.Locator("#p-min_resolution")).ToHaveValueAsync("512");
        await Assertions.Expect(page.Locator("#p-inference_steps")).ToHaveValueAsync("10");
        await Assertions.Expect(page.Locator("#estimate")).ToContainTextAsync("at 512 × 512");
        await BrowserKit.PickAsync(page, "#preset", "Catalogue 256");
        await Assertions.Expect(page.Locator("#p-min_resolution")).ToHaveValueAsync("256");
        await Assertions.Expect(page.Locator("#p-inference_steps")).ToHaveValueAsync("20"); // back to the default
        await Assertions.Expect(page.Locator("#p-crop")).ToHaveValueAsync("full");
        await Assertions.Expect(page.Locator("#estimate")).ToContainTextAsync("256 ×");
        await BrowserKit.ScreenshotWholePageAsync(page, Shot("2-new-video-preset"));

        // Batch: one photo, three recordings, the preset; the batch page follows to the end.
        await page.ClickAsync("#batch-link");
        await BrowserKit.WaitForCircuitAsync(page); // the interactive MudBlazor batch form
        await page.SetInputFilesAsync("#batch-image", TestMedia.AstronautPng);
        var clips = BatchTestKit.FiveClips.Take(3).Select(c => BatchTestKit.Clip(c.Words, c.Name)).ToArray();
        await page.SetInputFilesAsync("#batch-audio", clips);
        await Assertions.Expect(page.Locator("#batch-audio-chosen")).ToContainTextAsync("3 files");
        await page.FillAsync("#batch-name", "Browser batch");
        await page.ClickAsync(".mud-select:has(#preset)");
        await page.ClickAsync(".mud-popover-open .mud-list-item:has-text('Catalogue 256')");
        await Assertions.Expect(page.Locator("#new-batch")).ToContainTextAsync("min_resolution = 256, crop = full"); // the preset's parameters under the picker
        await BrowserKit.ScreenshotWholePageAsync(page, Shot("3-new-batch"));
        // Every value the page itself shows in "videos done", from the server-rendered one on: polling the page
        // from here could miss short-lived values when the three small jobs finish quickly.
        // The form goes to the batch page inside the circuit (no new document), so the observer starts in this one.
        const string watchDone = """
            window.__doneSeen = [];
            new MutationObserver(() => {
                const el = document.getElementById('jobs-done');
                if (el && window.__doneSeen[window.__doneSeen.length - 1] !== el.textContent) window.__doneSeen.push(el.textContent);
            }).observe(document, { childList: true, subtree: true, characterData: true });
            """;
        await page.EvaluateAsync("() => { " + watchDone + " }");
        await page.ClickAsync("#submit-batch");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/batches/[0-9a-f]{24}$"));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Browser batch");
        var until = DateTime.UtcNow.AddSeconds(120);
        bool shotRunning = false;
        while (DateTime.UtcNow < until && await page.Locator("#batch-status").InnerTextAsync() != "Finished")
        {
            if (!shotRunning && await page.Locator("#jobs-done").InnerTextAsync() is "1" or "2") { await BrowserKit.ScreenshotWholePageAsync(page, Shot("4-batch-running")); shotRunning = true; }
            await Task.Delay(100);
        }
        await Assertions.Expect(page.Locator("#batch-status")).ToHaveTextAsync("Finished");
        await Assertions.Expect(page.Locator("#jobs-done")).ToHaveTextAsync("3");
        var seenDone = await page.EvaluateAsync<string[]>("() => window.__doneSeen");
        Assert.True(seenDone.Length >= 2 && seenDone[0] != "3" && seenDone[^1] == "3",
            "the page updated while the batch ran (values it showed): " + string.Join(",", seenDone));
        await Assertions.Expect(page.Locator("#zip")).ToBeVisibleAsync();
        await BrowserKit.ScreenshotWholePageAsync(page, Shot("5-batch-done"));

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#zip"));
        var saved = Path.Combine(TestMedia.WorkDir, "team-batch.zip");
        await download.SaveAsAsync(saved);
        using (var zip = ZipFile.OpenRead(saved))
            Assert.Equal(["clip-hello.mp4", "clip-thanks.mp4", "clip-welcome.mp4"], zip.Entries.Select(e => e.FullName).Order());

        await page.GotoAsync("/history");
        await BrowserKit.WaitForCircuitAsync(page); // the link below is followed by the interactive router
        await Assertions.Expect(page.Locator("a.batch-link").First).ToHaveTextAsync("Browser batch");
        await BrowserKit.ScreenshotWholePageAsync(page, Shot("6-history"));

        // A job of the batch names its batch and links back to it.
        await page.Locator("#history a.job-link").First.ClickAsync();
        await Assertions.Expect(page.Locator("#job-batch")).ToHaveTextAsync("Browser batch");
        await page.ClickAsync("#job-batch");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Browser batch");
        Assert.Empty(problems);
    }
}
