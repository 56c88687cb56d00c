using Microsoft.Playwright;
using SonicWeb.Tests.TestSupport;
using SonicWeb.Tests.Web;
using SonicWeb.Engine.Backends.BuiltIn;

namespace SonicWeb.Tests.Browser;

/// <summary>The "preview first" path in chromium: tick the option, see the first frame, confirm, see the video finish.</summary>
[Collection(WebCollection.Name)]
public sealed class PreviewFirstBrowserTests
{
    [Fact]
    public async Task Preview_first_shows_the_first_frame_and_confirm_renders_the_video()
    {
        using var host = new WebTestHost(backend: BuiltInBackend.Name); // the frame shown is the engine's
        await using var browser = await BrowserKit.OpenPageAsync(host, 1200, 1000);
        var page = browser.Page;
        var problems = BrowserKit.WatchForProblems(page);

        await page.GotoAsync("/");
        await BrowserKit.SignInAsync(page);
        await BrowserKit.WaitForCircuitAsync(page); // the new video page is interactive
        await BrowserKit.SetFilesAsync(page, "#image", TestMedia.AstronautPng);
        await BrowserKit.SetFilesAsync(page, "#audio", WebTestKit.ShortSpeech);
        await page.FillAsync("#p-min_resolution", "256");
        await page.CheckAsync("#preview-first");
        await page.ClickAsync("#submit");
        await page.WaitForURLAsync("**/jobs/*");

        // Waiting for confirmation: the first frame is shown (decoded at the output size) with the two buttons.
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("AwaitingConfirmation");
        await Assertions.Expect(page.Locator("#confirm")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#cancel")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#confirm-note")).ToBeVisibleAsync();
        var previewWidth = await page.Locator("#preview").EvaluateAsync<int>("img => img.complete ? img.naturalWidth : new Promise(r => img.onload = () => r(img.naturalWidth))");
        Assert.Equal(256, previewWidth);
        Assert.Contains("/preview", await page.Locator("#preview").GetAttributeAsync("src"));
        await BrowserKit.ScreenshotWholePageAsync(page, Path.Combine(TestMedia.ArtifactsDir, "web-6-preview-first.png"));

        await BrowserKit.WaitForCircuitAsync(page); // the button acts through the circuit
        await page.ClickAsync("#confirm");
        await page.ClickAsync(".mud-dialog button:has-text('Render')"); // "Render the whole video?"
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Succeeded", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#player")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#confirm")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#frames-done")).Not.ToHaveTextAsync("0");
        await BrowserKit.ScreenshotWholePageAsync(page, Path.Combine(TestMedia.ArtifactsDir, "web-7-preview-confirmed-done.png"));
        Assert.Empty(problems);
    }
}
