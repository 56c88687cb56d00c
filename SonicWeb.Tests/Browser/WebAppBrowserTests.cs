using Microsoft.Playwright;
using SonicWeb.Tests.TestSupport;
using SonicWeb.Tests.Web;
using SonicWeb.Engine.Backends.BuiltIn;

namespace SonicWeb.Tests.Browser;

/// <summary>
/// A person's path through the app in Debian's chromium (headless, driven by Playwright): upload,
/// estimate, submit, live progress, playback, history, download. Screenshots go to test-artifacts/.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class WebAppBrowserTests
{
    [Fact]
    public async Task Upload_estimate_submit_watch_progress_play_find_in_history_and_download()
    {
        using var host = new WebTestHost(backend: BuiltInBackend.Name); // the whole path a user takes, engine included
        await using var browser = await BrowserKit.OpenPageAsync(host, 1200, 1000);
        var page = browser.Page;
        await BrowserKit.SignInAsync(page);
        var consoleErrors = BrowserKit.WatchForProblems(page);
        string Shot(string name) => Path.Combine(TestMedia.ArtifactsDir, $"web-{name}.png");

        // New video: files, thumbnail, audio duration, estimate.
        await page.GotoAsync("/");
        await BrowserKit.WaitForCircuitAsync(page); // the new video page is interactive
        await BrowserKit.SetFilesAsync(page, "#image", TestMedia.AstronautPng);
        await BrowserKit.SetFilesAsync(page, "#audio", WebTestKit.LongSpeech);
        await page.FillAsync("#name", "browser video");
        await page.FillAsync("#p-min_resolution", "384");
        await Assertions.Expect(page.Locator("#image-info")).ToContainTextAsync("512 × 512");
        await Assertions.Expect(page.Locator("#audio-info")).ToContainTextAsync(" s,");
        await Assertions.Expect(page.Locator("#estimate")).ToContainTextAsync("at 384 × 384");
        await BrowserKit.ScreenshotWholePageAsync(page, Shot("1-new-video"));

        // Submit: the job page shows live frame counts.
        await page.ClickAsync("#submit");
        await page.WaitForURLAsync("**/jobs/*");
        var jobId = page.Url.Split('/').Last();
        var framesSeen = new List<int>();
        var until = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < until && await page.Locator("#status").InnerTextAsync() is "Queued" or "Running")
        {
            if (int.TryParse(await page.Locator("#frames-done").InnerTextAsync(), out var f) && (framesSeen.Count == 0 || framesSeen[^1] != f))
            {
                framesSeen.Add(f);
                if (framesSeen.Count(x => x > 0) == 2) await BrowserKit.ScreenshotWholePageAsync(page, Shot("2-job-running"));
            }
            await Task.Delay(150);
        }
        Assert.True(framesSeen.Count(f => f > 0) >= 2, "frame counter updated: " + string.Join(",", framesSeen));
        Assert.Equal(framesSeen.OrderBy(f => f), framesSeen);

        // Done: the player appears and plays.
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Succeeded");
        await Assertions.Expect(page.Locator("#player")).ToBeVisibleAsync();
        var played = await BrowserKit.PlayAsync(page, "player");
        Assert.True(played > 0.2, $"video currentTime {played}");
        await BrowserKit.ScreenshotWholePageAsync(page, Shot("3-job-done"));

        // History: the job is listed with its thumbnail; download it.
        await page.GotoAsync("/history?q=browser");
        await BrowserKit.WaitForCircuitAsync(page);
        var row = page.Locator($"tr:has([data-job-id='{jobId}'])");
        await Assertions.Expect(row).ToContainTextAsync(WebTestHost.AdminName);
        await Assertions.Expect(row).ToContainTextAsync("Succeeded");
        await BrowserKit.ScreenshotWholePageAsync(page, Shot("4-history"));
        var download = await page.RunAndWaitForDownloadAsync(() => row.Locator("a.download-link").ClickAsync());
        var saved = Path.Combine(TestMedia.WorkDir, "web-browser-download.mp4");
        await download.SaveAsAsync(saved);
        Assert.Equal("browser video.mp4", download.SuggestedFilename);
        Assert.Equal(384, WebTestKit.Probe(saved).Width);
        Assert.Empty(consoleErrors);
    }

    [Fact]
    public async Task A_photo_without_a_face_is_reported_on_the_form_before_a_job_exists()
    {
        using var host = new WebTestHost(backend: BuiltInBackend.Name); // the whole path a user takes, engine included
        await using var browser = await BrowserKit.OpenPageAsync(host);
        var page = browser.Page;
        await BrowserKit.SignInAsync(page);
        await page.GotoAsync("/");
        await BrowserKit.WaitForCircuitAsync(page);
        var gray = TestMedia.Convert(TestMedia.AstronautPng, "web-gray.png", "-vf", "drawbox=x=0:y=0:w=iw:h=ih:color=gray:t=fill");
        await BrowserKit.SetFilesAsync(page, "#image", gray);
        await BrowserKit.SetFilesAsync(page, "#audio", WebTestKit.ShortSpeech);
        await page.ClickAsync("#submit");
        await Assertions.Expect(page.Locator("#image-problem")).ToContainTextAsync("No face found", new() { Timeout = 30_000 }); // beside the photo
        Assert.EndsWith("/", page.Url);
        await BrowserKit.ScreenshotWholePageAsync(page, Path.Combine(TestMedia.ArtifactsDir, "web-5-no-face.png"));
    }
}
