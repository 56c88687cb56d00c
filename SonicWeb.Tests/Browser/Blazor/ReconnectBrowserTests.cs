using Microsoft.Playwright;
using SonicWeb.Tests.TestSupport;
using SonicWeb.Tests.Web;

namespace SonicWeb.Tests.Browser.Blazor;

/// <summary>An open interactive page while the server restarts: the reconnect dialog shows, then the page reloads by itself.</summary>
[Collection(WebCollection.Name)]
public sealed class ReconnectBrowserTests
{
    [Fact]
    public async Task After_a_server_restart_the_open_page_shows_the_reconnect_dialog_then_comes_back_on_its_own()
    {
        var root = Directory.CreateTempSubdirectory("sonicweb-restart-").FullName;
        int port = AppProcess.FreeLoopbackPort();
        var environment = new Dictionary<string, string>
        {
            ["Admin__Email"] = WebTestHost.AdminEmail, ["Admin__Password"] = WebTestHost.AdminPassword, ["Admin__DisplayName"] = WebTestHost.AdminName,
        };
        try
        {
            // The page is opened on the port before the first process starts, and outlives it.
            await using var browser = await BrowserKit.OpenPageAsync(new Uri($"http://127.0.0.1:{port}"), 1366, 900);
            var page = browser.Page;
            await using (var first = await AppProcess.StartAsync(environment, root, port))
            {
                await BrowserKit.SignInAsync(page);
                await page.GotoAsync("/account/settings");
                await BrowserKit.WaitForCircuitAsync(page);
                await page.EvaluateAsync("() => window.__beforeRestart = true");
            } // the process is killed: the circuit is gone with it

            await Assertions.Expect(page.Locator("#components-reconnect-modal")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await page.ScreenshotAsync(new() { Path = Path.Combine(TestMedia.ArtifactsDir, "blazor-reconnect.png") });

            await using var second = await AppProcess.StartAsync(environment, root, port);
            // The new server does not know the old circuit: the page reloads itself (a fresh window object) and connects again.
            await page.WaitForFunctionAsync("() => window.__beforeRestart === undefined", null, new() { Timeout = 60_000 });
            await BrowserKit.WaitForCircuitAsync(page);
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Settings");
            await Assertions.Expect(page.Locator("#components-reconnect-modal")).Not.ToBeVisibleAsync();
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }
}
