using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
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
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await BrowserKit.LaunchAsync(playwright);
            var page = await browser.NewPageAsync(new() { BaseURL = host.BaseAddress.ToString(), ViewportSize = new() { Width = 1366, Height = 900 } });
            await BrowserKit.SignInAsync(page);
            await page.GotoAsync("/new");
            await BrowserKit.WaitForCircuitAsync(page);
            await NewVideoBrowserTests.ChooseFilesAsync(page);

            await page.ClickAsync(".mud-select:has(#backend)");
            var remote = page.Locator($".mud-popover-open .mud-list-item:has-text('{ComfyUISonicBackend.Name}')");
            await Assertions.Expect(remote).ToBeVisibleAsync();
            await remote.ClickAsync();
            await Assertions.Expect(page.Locator("#backend")).ToHaveValueAsync(ComfyUISonicBackend.Name);
            await page.FillAsync("#p-min_resolution", "256"); // a small video: the stand-in encodes it with ffmpeg
            await page.PressAsync("#p-min_resolution", "Tab");
            await Assertions.Expect(page.Locator("#estimate")).ToContainTextAsync("at 256 × 256");

            await page.ClickAsync("#submit");
            await page.WaitForURLAsync("**/jobs/*", new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Succeeded", new() { Timeout = 90_000 });
            var job = await host.Services.GetRequiredService<JobQueries>().GetAsync(page.Url.Split('/').Last(), CancellationToken.None);
            Assert.Equal(ComfyUISonicBackend.Name, job!.Backend);
            Assert.Single(comfy.Prompts); // it ran on the GPU host, not here
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
}
