using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SonicWeb.Accounts;
using SonicWeb.Tests.TestSupport;
using SonicWeb.Tests.Web;

namespace SonicWeb.Tests.Browser.Blazor;

/// <summary>
/// Every MudBlazor page at a desktop (1366 px) and a phone (390 px) width, light and dark, saved under
/// test-artifacts/blazor-*.png for people to look at. Each page must show its heading and no horizontal scroll bar.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class ScreenshotTests
{
    private static readonly (string Name, string Path, string Heading)[] Pages =
    [
        ("users", "/admin/users", "Users"),
        ("presets", "/admin/presets", "Presets"),
        ("notifications", "/admin/notifications", "Notifications"),
        ("settings", "/account/settings", "Settings"),
    ];

    [Fact]
    public async Task Every_rebuilt_page_renders_at_desktop_and_phone_width_in_both_themes()
    {
        using var host = new WebTestHost();
        var found = await BrowserKit.InEveryThemeAndWidthAsync(host, async (page, width, dark, problems) =>
        {
            string Shot(string name) => Path.Combine(TestMedia.ArtifactsDir, $"blazor-{name}-{width}-{(dark ? "dark" : "light")}.png");
            await page.GotoAsync("/account/login");
            await BrowserKit.ScreenshotWholePageAsync(page, Shot("signin"));
            await BrowserKit.SignInAsync(page);
            await BrowserKit.WaitForCircuitAsync(page); // the new video page, interactive since phase B
            await BrowserKit.ScreenshotWholePageAsync(page, Shot("new-video-empty"));
            foreach (var (name, path, heading) in Pages)
            {
                await page.GotoAsync(path);
                await BrowserKit.WaitForCircuitAsync(page);
                await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(heading);
                Assert.Equal(dark ? "dark" : "light", await page.Locator("#theme-toggle").GetAttributeAsync("data-theme"));
                var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
                if (overflow > 0) problems.Add($"{path} at {width} px scrolls sideways by {overflow} px");
                await BrowserKit.ScreenshotWholePageAsync(page, Shot(name));
            }
        });
        Assert.Empty(found);
    }
}
