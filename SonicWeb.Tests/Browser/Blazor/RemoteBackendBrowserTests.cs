using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SkiaSharp;
using SonicWeb.Engine.Backends.ComfyUI;
using SonicWeb.Jobs;
using SonicWeb.Tests.TestSupport;
using SonicWeb.Tests.Web;

namespace SonicWeb.Tests.Browser.Blazor;

/// <summary>
/// Issue 15 in chromium: with a ComfyUI host configured (<see cref="ComfyUIStandIn"/>, the real protocol on
/// loopback), the new video page's backend picker offers comfyui-sonic; a job made with it runs there and the
/// job page shows it finish. Once the host is gone, the picker no longer offers it.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class RemoteBackendBrowserTests
{
    [Fact]
    public async Task The_picker_offers_the_remote_backend_while_its_host_is_up_and_a_video_made_with_it_finishes_on_the_job_page()
    {
        var comfy = new ComfyUIStandIn();
        bool stopped = false;
        try
        {
            using var host = new WebTestHost(settings: new()
            {
                ["Backends:ComfyUI:Hosts:0:Url"] = comfy.Url,
                ["Backends:ComfyUI:HealthCacheSeconds"] = "0.5",
                ["Backends:ComfyUI:RequestTimeoutSeconds"] = "5",
            });
            await using var browser = await BrowserKit.OpenPageAsync(host, 1366, 900);
            var page = browser.Page;
            await BrowserKit.SignInAsync(page);
            await page.GotoAsync("/new");
            await BrowserKit.WaitForCircuitAsync(page);
            await NewVideoBrowserTests.ChooseFilesAsync(page);

            await page.ClickAsync(".mud-select:has(#backend)");
            var remote = page.Locator($".mud-popover-open .mud-list-item:has-text('{ComfyUISonicBackend.Name}')");
            await Assertions.Expect(remote).ToBeVisibleAsync();
            await remote.ClickAsync();
            await Assertions.Expect(page.Locator("#backend")).ToHaveValueAsync(ComfyUISonicBackend.Name);
            // Fields the user has not touched take Sonic's own defaults (ComfyUI_Sonic's nodes); motion_scale is not Sonic's.
            await Assertions.Expect(page.Locator("#p-expand_ratio")).ToHaveValueAsync("0.5");
            await Assertions.Expect(page.Locator("#p-inference_steps")).ToHaveValueAsync("25");
            await Assertions.Expect(page.Locator("#p-dynamic_scale")).ToHaveValueAsync("1");

            // The photo now outlines the square Sonic animates (the rest dimmed), around the face box, inside the photo;
            // a larger expand ratio makes it larger.
            var square = page.Locator("#sonic-crop");
            await Assertions.Expect(square).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#sonic-crop-caption")).ToContainTextAsync("Sonic will animate this square (expand ratio 0.5)");
            await page.FillAsync("#p-expand_ratio", "0.15");
            await page.PressAsync("#p-expand_ratio", "Tab");
            await Assertions.Expect(page.Locator("#sonic-crop-caption")).ToContainTextAsync("(expand ratio 0.15)");
            var tight = await BoxOf(square);
            var face = await BoxOf(page.Locator("#face-box"));
            var photo = await BoxOf(page.Locator("#image-preview"));
            Assert.InRange(tight.Width, tight.Height - 2, tight.Height + 2); // square on screen too
            Assert.True(Inside(face, tight, slack: 2), $"face {Show(face)} not inside the square {Show(tight)}");
            Assert.True(Inside(tight, photo, slack: 1), $"square {Show(tight)} not inside the photo {Show(photo)}");
            await ShootPhotoCardAsync(page, "0.15");
            await page.FillAsync("#p-expand_ratio", "0.5");
            await page.PressAsync("#p-expand_ratio", "Tab");
            await Assertions.Expect(page.Locator("#sonic-crop-caption")).ToContainTextAsync("(expand ratio 0.5)");
            (face, photo) = (await BoxOf(page.Locator("#face-box")), await BoxOf(page.Locator("#image-preview"))); // the page scrolled to the field
            var roomy = await BoxOf(square);
            await ShootPhotoCardAsync(page, "0.5");
            Assert.True(roomy.Width > tight.Width * 1.3, $"expand ratio 0.5 gave {roomy.Width:0} px, 0.15 gave {tight.Width:0} px");
            Assert.True(Inside(face, roomy, slack: 2) && Inside(roomy, photo, slack: 1), $"face {Show(face)}, square {Show(roomy)}, photo {Show(photo)}");
            var photoWidth = double.Parse((await page.Locator("#image-info").InnerTextAsync()).Split(' ')[0], CultureInfo.InvariantCulture);
            await page.FillAsync("#p-min_resolution", "256"); // a small video: the stand-in encodes it with ffmpeg
            await page.PressAsync("#p-min_resolution", "Tab");
            await Assertions.Expect(page.Locator("#estimate")).ToContainTextAsync("at 256 × 256");

            await page.ClickAsync("#submit");
            await page.WaitForURLAsync("**/jobs/*", new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Succeeded", new() { Timeout = 90_000 });
            var job = await host.Services.GetRequiredService<JobQueries>().GetAsync(page.Url.Split('/').Last(), CancellationToken.None);
            Assert.Equal(ComfyUISonicBackend.Name, job!.Backend);
            Assert.Single(comfy.Prompts); // it ran on the GPU host, not here
            // What went up was the outlined square, not the photo: Sonic animates exactly what the page showed.
            var sent = comfy.Uploads.Single(u => Path.GetFileName(u).Contains("-photo"));
            using (var codec = SKCodec.Create(sent))
            {
                Assert.InRange(codec.Info.Width, codec.Info.Height - 1, codec.Info.Height + 1);
                double expected = photoWidth * roomy.Width / photo.Width; // the outline's share of the photo, in photo pixels
                Assert.InRange(codec.Info.Width, expected * 0.97, expected * 1.03);
            }
            Assert.True(job.HasVideo);

            // The host goes away: a fresh page no longer offers the backend (only healthy ones are listed).
            stopped = true;
            await comfy.DisposeAsync();
            await Task.Delay(TimeSpan.FromSeconds(1)); // past Backends:ComfyUI:HealthCacheSeconds
            await page.GotoAsync("/new");
            await BrowserKit.WaitForCircuitAsync(page);
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("New video");
            if (await page.Locator("#backend").CountAsync() > 0)
            {
                await page.ClickAsync(".mud-select:has(#backend)");
                await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item").First).ToBeVisibleAsync();
                Assert.DoesNotContain(ComfyUISonicBackend.Name, await page.Locator(".mud-popover-open .mud-list-item").AllInnerTextsAsync());
            }
        }
        finally { if (!stopped) await comfy.DisposeAsync(); }
    }

    private static async Task<LocatorBoundingBoxResult> BoxOf(ILocator locator)
        => await locator.BoundingBoxAsync() ?? throw new InvalidOperationException($"{locator} has no box on screen.");

    /// <summary>The photo card for people to look at (test-artifacts/blazor-new-video-sonic-crop-*.png), below the sticky app bar.</summary>
    private static async Task ShootPhotoCardAsync(IPage page, string expandRatio)
    {
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        var card = await BoxOf(page.Locator("#photo-card"));
        await page.ScreenshotAsync(new()
        {
            Path = Path.Combine(TestMedia.ArtifactsDir, $"blazor-new-video-sonic-crop-{expandRatio}.png"),
            Clip = new() { X = card.X, Y = card.Y, Width = card.Width, Height = card.Height },
        });
    }

    private static string Show(LocatorBoundingBoxResult b) => $"({b.X:0.#}, {b.Y:0.#}) {b.Width:0.#} x {b.Height:0.#}";

    private static bool Inside(LocatorBoundingBoxResult inner, LocatorBoundingBoxResult outer, double slack)
        => inner.X >= outer.X - slack && inner.Y >= outer.Y - slack
           && inner.X + inner.Width <= outer.X + outer.Width + slack && inner.Y + inner.Height <= outer.Y + outer.Height + slack;
}
