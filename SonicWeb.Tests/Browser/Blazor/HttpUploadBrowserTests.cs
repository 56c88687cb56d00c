using Microsoft.Playwright;
using SonicWeb.Tests.TestSupport;
using SonicWeb.Tests.Web;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Browser.Blazor;

/// <summary>
/// The reusable upload component (FileField + HttpUpload) in chromium, on the app's upload diagnostics page: a photo and
/// a recording go to POST /api/jobs over HTTP with a progress bar and the job is created; a file over
/// Storage:MaxUploadBytes is refused by the endpoint while streaming and the component shows the server's message.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class HttpUploadBrowserTests
{
    [Fact]
    public async Task The_component_sends_both_files_over_http_with_progress_and_shows_the_servers_answer_including_the_size_limit()
    {
        using var host = new WebTestHost(settings: new() { ["Diagnostics:UploadPage"] = "true", ["Storage:MaxUploadBytes"] = "1500000" });
        await using var browser = await BrowserKit.OpenPageAsync(host, 1366, 900);
        var page = browser.Page;
        await BrowserKit.SignInAsync(page);
        await page.GotoAsync("/diagnostics/uploads");
        await BrowserKit.WaitForCircuitAsync(page);

        // A real submission (not "transfer only"): 202 and a queued job.
        await page.Locator("#http-image").SetInputFilesAsync(TestMedia.AstronautPng);
        await page.Locator("#http-audio").SetInputFilesAsync(ShortSpeech);
        await Assertions.Expect(page.Locator("#http-image-chosen")).ToContainTextAsync("astronaut.png");
        await page.ClickAsync("#transfer-only");
        await page.ClickAsync("#http-start");
        var done = page.Locator("#http-done[data-run='1']");
        await Assertions.Expect(done).ToHaveAttributeAsync("data-status", "202", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#http-progress")).ToContainTextAsync("100 %");
        var id = (await done.InnerTextAsync()).Split(' ').Last().Trim();
        Assert.Equal("upload path check", (await GetJobAsync(host.Http, id)).GetProperty("name").GetString());
        await BrowserKit.ScreenshotWholePageAsync(page, Path.Combine(TestMedia.ArtifactsDir, "blazor-http-upload.png"));

        // Over the limit: the picker says so at once, and the endpoint refuses it while streaming (413) with its own words.
        var big = Path.Combine(TestMedia.WorkDir, "http-upload-2mb.bin");
        await File.WriteAllBytesAsync(big, new byte[2_000_000]);
        await page.Locator("#http-audio").SetInputFilesAsync(big);
        await Assertions.Expect(page.Locator("#http-audio-error")).ToContainTextAsync("the limit is 1.4 MB per file");
        await page.ClickAsync("#http-start");
        var refused = page.Locator("#http-done[data-run='2']");
        await Assertions.Expect(refused).ToHaveAttributeAsync("data-status", "413", new() { Timeout = 60_000 });
        await Assertions.Expect(refused).ToContainTextAsync("larger than the upload limit");
        await WaitForAsync(host.Http, id, IsFinished, TimeSpan.FromSeconds(90));
    }
}
