using System.IO.Compression;
using System.Net;
using Microsoft.Playwright;
using SonicWeb.Tests.TestSupport;
using SonicWeb.Tests.Web;
using SonicWeb.Tests.Web.Team;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Browser.Blazor;

/// <summary>
/// The MudBlazor history and batch pages in chromium: an operator finds her videos with the search and a sort,
/// downloads two as one zip, deletes several at once; screenshots of the history and batch pages at desktop and
/// phone width in both themes (test-artifacts/history-*.png).
/// </summary>
[Collection(WebCollection.Name)]
public sealed class HistoryBrowserTests
{
    private const string AnaEmail = "ana@sonic.example.test", Password = "user-password-for-tests";

    [Fact]
    public async Task An_operator_finds_her_videos_with_a_filter_and_a_sort_zips_two_and_deletes_the_chosen_ones_she_may_delete()
    {
        using var host = new WebTestHost();
        var (ana, _) = await host.CreateUserAsync(AnaEmail, "Operator", "Ana");
        var names = new[] { "Spring hello", "Spring thanks", "Autumn welcome" };
        var ids = new Dictionary<string, string>();
        foreach (var name in names)
            ids[name] = (await SubmitAsync(ana, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"), ("name", name))).GetProperty("id").GetString()!;
        ids["Admin spring"] = (await SubmitAsync(host.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"), ("name", "Admin spring"))).GetProperty("id").GetString()!;
        foreach (var id in ids.Values) Assert.Equal("Succeeded", (await WaitForAsync(host.Http, id, IsFinished, TimeSpan.FromSeconds(90))).Status());

        await using var browser = await BrowserKit.OpenPageAsync(host, 1366, 900);
        var page = browser.Page;
        var problems = BrowserKit.WatchForProblems(page, failedResponses: false);
        string Shot(string name) => Path.Combine(TestMedia.ArtifactsDir, $"history-flow-{name}.png");
        await BrowserKit.SignInAsync(page, AnaEmail, Password);
        await page.GotoAsync("/history");
        await BrowserKit.WaitForCircuitAsync(page);
        ILocator Row(string name) => page.Locator($"tr:has([data-job-id='{ids[name]}'])");

        // Search: the three "spring" jobs, newest first; the address keeps the filter.
        var rows = page.Locator("[data-job-id]");
        await page.FillAsync("#filter-text", "spring");
        await Assertions.Expect(rows).ToHaveTextAsync(["Admin spring", "Spring thanks", "Spring hello"]);
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/history\\?q=spring$"));
        // Sort by name: ascending, then descending; the address follows.
        await page.ClickAsync("th .mud-table-sort-label:has-text('Name')");
        await Assertions.Expect(rows).ToHaveTextAsync(["Admin spring", "Spring hello", "Spring thanks"]);
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/history\\?q=spring&sort=name$"));
        await page.ClickAsync("th .mud-table-sort-label:has-text('Name')");
        await Assertions.Expect(rows).ToHaveTextAsync(["Spring thanks", "Spring hello", "Admin spring"]);
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("sort=-name"));
        // Status filter: every one succeeded; "Failed" shows none.
        await page.ClickAsync(".mud-select:has(#filter-status)");
        await page.ClickAsync(".mud-popover-open .mud-list-item:has-text('Failed')");
        await Assertions.Expect(page.Locator("#no-jobs")).ToHaveTextAsync("No jobs match.");
        Assert.Contains("status=Failed", page.Url);
        await page.ClickAsync(".mud-select:has(#filter-status)");
        await page.ClickAsync(".mud-popover-open .mud-list-item:has-text('Succeeded')");
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        // Ana may open her own jobs; the admin's is a summary line without link or download.
        await Assertions.Expect(Row("Spring hello").Locator("a.job-link")).ToHaveCountAsync(1);
        await Assertions.Expect(Row("Admin spring").Locator("a.job-link, a.download-link")).ToHaveCountAsync(0);
        await Assertions.Expect(Row("Spring hello").Locator("a.download-link")).ToHaveCountAsync(1);
        // At 1366 px with the drawer open the whole row fits: the table does not scroll sideways, the review chip is inside it.
        var overflow = await page.EvaluateAsync<int>("() => { const c = document.querySelector('#history .mud-table-container'); return c.scrollWidth - c.clientWidth; }");
        Assert.True(overflow <= 0, $"the history table scrolls sideways by {overflow} px at 1366 px");
        Assert.True(await Row("Spring hello").Locator(".review-cell").IsVisibleAsync());

        // Choose her two spring videos and the admin's: the zip takes her two, delete offers her two.
        foreach (var name in new[] { "Spring hello", "Spring thanks", "Admin spring" })
            await Row(name).Locator(".mud-checkbox").ClickAsync();
        await Assertions.Expect(page.Locator("#selection-count")).ToHaveTextAsync("3 chosen");
        await Assertions.Expect(page.Locator("#zip-selected")).ToContainTextAsync("Zip 2 video(s)");
        await Assertions.Expect(page.Locator("#delete-selected")).ToContainTextAsync("Delete 2");
        await page.ScreenshotAsync(new() { Path = Shot("1-chosen"), FullPage = true });
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#zip-selected"));
        var saved = Path.Combine(TestMedia.WorkDir, "history-chosen.zip");
        await download.SaveAsAsync(saved);
        using (var zip = ZipFile.OpenRead(saved))
        {
            Assert.Equal(["Spring hello.mp4", "Spring thanks.mp4"], zip.Entries.Select(e => e.FullName).Order());
            foreach (var entry in zip.Entries)
            {
                var mp4 = Path.Combine(TestMedia.WorkDir, "history-" + entry.Name);
                entry.ExtractToFile(mp4, overwrite: true);
                Assert.Equal(256, Probe(mp4).Width); // whole, playable videos
            }
        }

        // Delete: a confirmation names the two and says the admin's stays; then they are gone from the list and the server.
        await page.ClickAsync("#delete-selected");
        var dialog = page.Locator(".mud-dialog");
        await Assertions.Expect(dialog).ToContainTextAsync("Delete 2 job(s)?");
        await Assertions.Expect(dialog).ToContainTextAsync("1 other chosen job(s) belong to someone else");
        await page.ScreenshotAsync(new() { Path = Shot("2-confirm-delete"), FullPage = true });
        await dialog.Locator("button:has-text('Delete')").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("2 job(s) deleted.");
        await Assertions.Expect(rows).ToHaveTextAsync(["Admin spring"]);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync($"/api/jobs/{ids["Spring hello"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync($"/api/jobs/{ids["Spring thanks"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync($"/api/jobs/{ids["Admin spring"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync($"/api/jobs/{ids["Autumn welcome"]}")).StatusCode);
        await page.ScreenshotAsync(new() { Path = Shot("3-deleted"), FullPage = true });

        // The zip endpoint keeps the job rules for programs too: another operator's job is refused by name.
        using var refused = await ana.GetAsync($"/api/jobs/zip?ids={ids["Autumn welcome"]}&ids={ids["Admin spring"]}");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains(ids["Admin spring"], await refused.Content.ReadAsStringAsync());
        Assert.Empty(problems);
        ana.Dispose();
    }

    [Fact]
    public async Task The_history_and_batch_pages_render_at_desktop_and_phone_width_in_both_themes()
    {
        using var host = new WebTestHost();
        var batch = await BatchTestKit.SubmitBatchAsync(host.Http, BatchTestKit.Form(TestMedia.AstronautPng,
            BatchTestKit.FiveClips.Take(2).Select(c => BatchTestKit.Clip(c.Words, c.Name)), null, ("min_resolution", "256"), ("name", "Screenshot batch")));
        var batchId = batch.GetProperty("id").GetString()!;
        await BatchTestKit.WaitForBatchAsync(host.Http, batchId, TimeSpan.FromSeconds(90));
        await SubmitAsync(host.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"), ("name", "A single video with a rather long name for a narrow screen"));

        var pages = new[] { ("history", "/history", "History"), ("new-batch", "/batches/new", "New batch"), ("batch", $"/batches/{batchId}", "Screenshot batch") };
        var found = await BrowserKit.InEveryThemeAndWidthAsync(host, async (page, width, dark, problems) =>
        {
            await BrowserKit.SignInAsync(page);
            foreach (var (name, path, heading) in pages)
            {
                await page.GotoAsync(path);
                await BrowserKit.WaitForCircuitAsync(page);
                await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(heading);
                if (name != "new-batch") await Assertions.Expect(page.Locator("[data-job-id]").First).ToBeVisibleAsync();
                Assert.Equal(dark ? "dark" : "light", await page.Locator("#theme-toggle").GetAttributeAsync("data-theme"));
                var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
                if (overflow > 0) problems.Add($"{path} at {width} px scrolls sideways by {overflow} px");
                await page.ScreenshotAsync(new() { Path = Path.Combine(TestMedia.ArtifactsDir, $"history-{name}-{width}-{(dark ? "dark" : "light")}.png"), FullPage = true });
            }
        });
        Assert.Empty(found);
    }
}
