using Microsoft.Playwright;
using SonicWeb.Tests.TestSupport;
using SonicWeb.Tests.Web;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Browser;

/// <summary>
/// A reviewer requests changes on the job page, finds the video with the history's review filter;
/// the admin sees the emails on the notifications page; a user turns emails off. Screenshots go to test-artifacts/.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class ReviewBrowserTests
{
    private static string Shot(string name) => Path.Combine(TestMedia.ArtifactsDir, $"review-{name}.png");

    [Fact]
    public async Task A_reviewer_requests_changes_in_the_browser_and_the_admin_sees_the_emails()
    {
        await using var smtp = await SmtpTestServer.StartAsync();
        using var host = new WebTestHost(settings: EmailNotificationTests.EmailSettings(smtp.Port));
        var (ana, _) = await host.CreateUserAsync("ana@sonic.example.test", "Operator", "Ana");
        await host.CreateUserAsync("rita@sonic.example.test", "Reviewer", "Rita");
        var id = (await SubmitAsync(ana, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"), ("name", "Welcome clip"))).GetProperty("id").GetString()!;
        Assert.Equal("Succeeded", (await WaitForAsync(ana, id, IsFinished, TimeSpan.FromSeconds(90))).Status());

        await using var browser = await BrowserKit.OpenPageAsync(host, 1200, 900);
        var page = browser.Page;
        await BrowserKit.SignInAsync(page, "rita@sonic.example.test", "user-password-for-tests");

        await page.GotoAsync($"/jobs/{id}");
        await BrowserKit.WaitForCircuitAsync(page); // the review buttons act through the circuit
        await Assertions.Expect(page.Locator("#review-state")).ToHaveTextAsync("Awaiting review");
        // Requesting changes without saying what is refused with the reason, on the page.
        await page.ClickAsync("#request-changes");
        await Assertions.Expect(page.Locator("#review-error")).ToContainTextAsync("a comment is required");
        await page.FillAsync("#review-comment-input", "Please use the new logo photo; the lips are fine.");
        await page.ClickAsync("#request-changes");
        await Assertions.Expect(page.Locator("#review-message")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#review-state")).ToHaveTextAsync("Changes requested");
        await Assertions.Expect(page.Locator("#review-comment")).ToHaveTextAsync("Please use the new logo photo; the lips are fine.");
        await page.Locator("#review").ScrollIntoViewIfNeededAsync();
        await BrowserKit.ScreenshotWholePageAsync(page, Shot("1-job-page"));

        await page.GotoAsync("/history");
        await BrowserKit.WaitForCircuitAsync(page); // the interactive MudBlazor history
        await page.ClickAsync(".mud-select:has(#filter-review)");
        await page.ClickAsync(".mud-popover-open .mud-list-item:has-text('Changes requested')");
        await Assertions.Expect(page.Locator($"tr:has([data-job-id='{id}']) .review-cell")).ToHaveTextAsync("Changes requested");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("review=changes_requested"));
        Assert.Contains("review=changes_requested", page.Url);
        await BrowserKit.ScreenshotWholePageAsync(page, Shot("2-history-filter"));
        await page.ClickAsync(".mud-select:has(#filter-review)");
        await page.ClickAsync(".mud-popover-open .mud-list-item:has-text('Approved')");
        await Assertions.Expect(page.Locator("#no-jobs")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator($"tr:has([data-job-id='{id}'])")).ToHaveCountAsync(0);

        await smtp.WaitForAsync(m => m.Subject.Contains("changes requested"), TimeSpan.FromSeconds(30));
        await BrowserKit.SignOutAsync(page);
        await BrowserKit.SignInAsync(page);
        await BrowserKit.WaitForCircuitAsync(page); // a menu click made while the circuit starts is lost (the framework's router takes it)
        await page.ClickAsync("nav a[href='/admin/notifications']");
        await Assertions.Expect(page.Locator("#deliveries tr:has([data-status='Sent'])")).ToHaveCountAsync(2); // finished + reviewed
        await BrowserKit.ScreenshotWholePageAsync(page, Shot("3-admin-notifications"));

        await page.GotoAsync("/account/settings");
        await BrowserKit.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator("#email-enabled")).ToBeCheckedAsync();
        await page.UncheckAsync("#email-enabled");
        await page.ClickAsync("#email-save");
        await Assertions.Expect(page.Locator("#email-message")).ToHaveTextAsync("Email notifications are off.");
        await Assertions.Expect(page.Locator("#email-enabled")).Not.ToBeCheckedAsync();
        await BrowserKit.ScreenshotWholePageAsync(page, Shot("4-settings"));
        ana.Dispose();
    }
}
