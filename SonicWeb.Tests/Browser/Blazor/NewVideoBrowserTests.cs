using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SonicWeb.Accounts;
using SonicWeb.Jobs;
using SonicWeb.Tests.TestSupport;
using SonicWeb.Tests.Web;

namespace SonicWeb.Tests.Browser.Blazor;

/// <summary>
/// The MudBlazor new video page in chromium: the photo and the recording go to the server as soon as they are chosen,
/// the page shows the face box, the recording's length and the check; moving the resolution slider changes the
/// estimate without a REST call; "Make the video" lands on the job's page with the slider's value. Then the page at a
/// desktop and a phone width, light and dark, saved as test-artifacts/blazor-new-video-*.png.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class NewVideoBrowserTests
{
    [Fact]
    public async Task Upload_photo_and_voice_see_the_face_box_move_the_resolution_slider_submit_and_land_on_the_job_page()
    {
        using var host = new WebTestHost();
        await using var browser = await BrowserKit.OpenPageAsync(host, 1366, 900);
        var page = browser.Page;
        var apiCalls = new List<string>();
        page.Request += (_, r) => { if (r.Url.Contains("/api/")) apiCalls.Add(r.Method + " " + r.Url); };
        await BrowserKit.SignInAsync(page);
        await page.GotoAsync("/new");
        await BrowserKit.WaitForCircuitAsync(page);

        await ChooseFilesAsync(page);
        // The face box lies inside the thumbnail, around the astronaut's face (upper middle of the photo).
        var box = await page.Locator("#face-box").BoundingBoxAsync();
        var photo = await page.Locator("#image-preview").BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.NotNull(photo);
        Assert.InRange(box.X, photo.X, photo.X + photo.Width / 2);
        Assert.InRange(box.X + box.Width, photo.X + photo.Width / 2, photo.X + photo.Width);
        Assert.InRange(box.Width, photo.Width * 0.1, photo.Width * 0.9);
        await Assertions.Expect(page.Locator("#estimate")).ToContainTextAsync("at 768 × 768");
        var before = await page.Locator("#estimate").InnerTextAsync();

        // The slider, by keyboard as a person would: four steps of 16 px down.
        var slider = page.Locator("#slider-min_resolution input[type=range]");
        await slider.FocusAsync();
        for (int i = 0; i < 4; i++) await page.Keyboard.PressAsync("ArrowLeft");
        await Assertions.Expect(page.Locator("#p-min_resolution")).ToHaveValueAsync("704");
        await Assertions.Expect(page.Locator("#estimate")).ToContainTextAsync("at 704 × 704");
        Assert.NotEqual(before, await page.Locator("#estimate").InnerTextAsync());
        Assert.Empty(apiCalls); // files went to /uploads/staged; estimate and check ran in the component

        await page.ClickAsync("#submit");
        await page.WaitForURLAsync("**/jobs/*", new() { Timeout = 30_000 });
        var id = page.Url.Split('/').Last();
        var job = await host.Services.GetRequiredService<JobQueries>().GetAsync(id, CancellationToken.None);
        Assert.NotNull(job);
        Assert.Equal(704, job.Parameters.GetProperty("min_resolution").GetInt32());
        Assert.Equal("astronaut", job.Name);
        Assert.Equal(WebTestHost.AdminName, job.Submitter);
    }

    [Fact]
    public async Task The_page_renders_at_desktop_and_phone_width_in_both_themes()
    {
        using var host = new WebTestHost();
        var found = await BrowserKit.InEveryThemeAndWidthAsync(host, async (page, width, dark, problems) =>
        {
            await BrowserKit.SignInAsync(page);
            await page.GotoAsync("/new");
            await BrowserKit.WaitForCircuitAsync(page);
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("New video");
            await ChooseFilesAsync(page);
            Assert.Equal(dark ? "dark" : "light", await page.Locator("#theme-toggle").GetAttributeAsync("data-theme"));
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            if (overflow > 0) problems.Add($"/new at {width} px scrolls sideways by {overflow} px");
            await BrowserKit.ScreenshotWholePageAsync(page, Path.Combine(TestMedia.ArtifactsDir, $"blazor-new-video-{width}-{(dark ? "dark" : "light")}.png"));
        });
        Assert.Empty(found);
    }

    /// <summary>The astronaut and a short sentence; waits until the page shows both and the check passed.</summary>
    internal static async Task ChooseFilesAsync(IPage page)
    {
        await BrowserKit.SetFilesAsync(page, "#image", TestMedia.AstronautPng);
        await BrowserKit.SetFilesAsync(page, "#audio", WebTestKit.ShortSpeech);
        await Assertions.Expect(page.Locator("#image-info")).ToContainTextAsync("512 × 512", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#audio-info")).ToContainTextAsync(" s,", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#check")).ToContainTextAsync("a face was found", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#face-box")).ToBeVisibleAsync();
    }
}
