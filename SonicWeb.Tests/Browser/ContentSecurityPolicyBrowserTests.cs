using Microsoft.Playwright;
using SonicWeb.Tests.TestSupport;
using SonicWeb.Tests.Web;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Browser;

/// <summary>
/// The Content-Security-Policy (no inline script) in chromium: every page loads without a violation, the
/// interactive pages connect their circuit, and MudBlazor's popovers (a MudSelect) still open.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class ContentSecurityPolicyBrowserTests
{
    [Fact]
    public async Task Every_page_works_under_the_policy_without_a_single_violation()
    {
        using var host = new WebTestHost();
        var job = (await SubmitAsync(host.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;
        await WaitForAsync(host.Http, job, IsFinished, TimeSpan.FromSeconds(60));

        await using var browser = await BrowserKit.OpenPageAsync(host);
        var page = browser.Page;
        var violations = new List<string>();
        page.Console += (_, m) =>
        {
            if (m.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || m.Text.Contains("Refused to", StringComparison.Ordinal))
                violations.Add($"{page.Url}: {m.Text}");
        };
        await page.GotoAsync("/account/login");
        await BrowserKit.SignInAsync(page);

        foreach (var (path, interactive) in new[]
        {
            ("/", false), ("/new", false), ("/history", false), ($"/jobs/{job}", false), ("/batches/new", false), ("/account/settings", true),
            ("/admin/users", true), ("/admin/notifications", true), ("/admin/presets", true),
        })
        {
            await page.GotoAsync(path);
            if (interactive) await BrowserKit.WaitForCircuitAsync(page);
            await page.WaitForTimeoutAsync(1000); // the page's scripts run and connect (its circuit or the jobs hub); any violation is reported by then
        }
        // A MudSelect opens its list (a popover positioned by MudBlazor's script) and takes a choice.
        await page.ClickAsync(".mud-select:has(#p-crop)");
        await page.ClickAsync(".mud-popover-open .mud-list-item:has-text('full')");
        await Assertions.Expect(page.Locator(".mud-select:has(#p-crop) input")).ToHaveValueAsync("full");
        await BrowserKit.ScreenshotWholePageAsync(page, Path.Combine(TestMedia.ArtifactsDir, "csp-presets.png"));
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }
}
