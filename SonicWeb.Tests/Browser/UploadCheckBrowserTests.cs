using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SonicWeb.Jobs.Submission;
using SonicWeb.Tests.TestSupport;
using SonicWeb.Tests.Web;

namespace SonicWeb.Tests.Browser;

/// <summary>The new video page on a busy server: the upload is accepted as Checking, and the page still shows a face problem on the form.</summary>
[Collection(WebCollection.Name)]
public sealed class UploadCheckBrowserTests
{
    [Fact]
    public async Task A_photo_without_a_face_on_a_busy_server_is_still_reported_on_the_form_and_leaves_no_job()
    {
        using var host = new WebTestHost(settings: new() { ["Uploads:SyncCheckBudgetMs"] = "0" });
        var admission = host.Services.GetRequiredService<UploadAdmission>();
        await using var browser = await BrowserKit.OpenPageAsync(host, 1200, 1000);
        var page = browser.Page;
        await BrowserKit.SignInAsync(page);
        await page.GotoAsync("/");
        await BrowserKit.WaitForCircuitAsync(page);
        // Busy: every check slot taken before the files are chosen, so the page's own check waits for a slot too,
        // and "Make the video" hands the pair to the server, which accepts it as Checking.
        var held = new List<IDisposable>();
        for (int i = 0; i < admission.Slots; i++) held.Add(await admission.WaitForSlotAsync(CancellationToken.None));
        var gray = TestMedia.Convert(TestMedia.AstronautPng, "web-gray.png", "-vf", "drawbox=x=0:y=0:w=iw:h=ih:color=gray:t=fill");
        await BrowserKit.SetFilesAsync(page, "#image", gray);
        await BrowserKit.SetFilesAsync(page, "#audio", WebTestKit.ShortSpeech);
        await Assertions.Expect(page.Locator("#estimate")).ToContainTextAsync("about", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#checking")).ToContainTextAsync("Checking");

        await page.ClickAsync("#submit");
        await Assertions.Expect(page.Locator("#checking")).ToContainTextAsync("server is busy");
        await BrowserKit.ScreenshotWholePageAsync(page, Path.Combine(TestMedia.ArtifactsDir, "web-busy-checking.png"));
        await page.FillAsync("#p-min_resolution", "512"); // an estimate while the job is checked counts it as one ahead
        await Assertions.Expect(page.Locator("#queue-info")).ToHaveTextAsync("(1 job(s) ahead)");
        var list = await host.Http.GetFromJsonAsync<JsonElement>("/api/jobs");
        Assert.Equal("Checking", list.GetProperty("items")[0].GetProperty("status").GetString());
        foreach (var slot in held) slot.Dispose();

        // The background check first yields to uploads in flight (Uploads:BackgroundYieldMs, 3 s), then decodes and
        // searches the photo: on a loaded 2-core machine that took longer than Playwright's default 5 s.
        await Assertions.Expect(page.Locator("#image-problem")).ToContainTextAsync("No face found", new() { Timeout = 30_000 }); // beside the photo
        Assert.EndsWith("/", page.Url);
        await Assertions.Expect(page.Locator("#queue-info")).ToHaveTextAsync(""); // the deleted job is not "ahead" any more
        await BrowserKit.ScreenshotWholePageAsync(page, Path.Combine(TestMedia.ArtifactsDir, "web-busy-no-face.png"));
        list = await host.Http.GetFromJsonAsync<JsonElement>("/api/jobs");
        Assert.Equal(0, list.GetProperty("total").GetInt32()); // the page removed the job the busy server had to create
    }
}
