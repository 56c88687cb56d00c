using System.IO.Compression;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SonicWeb.Accounts;
using SonicWeb.Data;
using SonicWeb.Storage;
using SonicWeb.Tests.TestSupport;
using SonicWeb.Tests.Web;
using SonicWeb.Tests.Web.Team;
using static SonicWeb.Tests.Web.WebTestKit;
using static SonicWeb.Tests.Web.EmailNotificationTests;

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
        await BrowserKit.ScreenshotWholePageAsync(page, Shot("1-chosen"));
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
        await BrowserKit.ScreenshotWholePageAsync(page, Shot("2-confirm-delete"));
        await dialog.Locator("button:has-text('Delete')").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("2 job(s) deleted.");
        await Assertions.Expect(rows).ToHaveTextAsync(["Admin spring"]);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync($"/api/jobs/{ids["Spring hello"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync($"/api/jobs/{ids["Spring thanks"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync($"/api/jobs/{ids["Admin spring"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync($"/api/jobs/{ids["Autumn welcome"]}")).StatusCode);
        await BrowserKit.ScreenshotWholePageAsync(page, Shot("3-deleted"));

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
        await InsertJobAsync(host, j => (j.Name, j.Status, j.CreatedAt) = ("Failed without a picture", JobStatus.Failed, DateTime.UtcNow.AddDays(-1))); // the placeholder

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
                await BrowserKit.ScreenshotWholePageAsync(page, Path.Combine(TestMedia.ArtifactsDir, $"history-{name}-{width}-{(dark ? "dark" : "light")}.png"));
            }
        });
        Assert.Empty(found);
    }

    /// <summary>
    /// Rows whose job has no picture: the server knows for a job without a rendered frame or a photo, or whose files
    /// expired, and renders a placeholder; a photo whose file has gone answers 404, and the img gives way to the same
    /// placeholder. Until 2026-12-05 each of these rows showed chromium's broken-image icon.
    /// </summary>
    [Fact]
    public async Task A_row_without_a_picture_shows_a_placeholder_and_no_broken_image()
    {
        using var host = new WebTestHost();
        var paths = host.Services.GetRequiredService<StoragePaths>();
        var now = DateTime.UtcNow;
        var ids = new Dictionary<string, string>
        {
            ["With photo"] = await InsertJobAsync(host, j =>
            {
                Directory.CreateDirectory(paths.Uploads(j.Id));
                File.Copy(TestMedia.AstronautPng, Path.Combine(paths.Uploads(j.Id), "image.png"));
                (j.Name, j.Status, j.CreatedAt, j.ImagePath) = ("With photo", JobStatus.Cancelled, now, paths.Relative(Path.Combine(paths.Uploads(j.Id), "image.png")));
            }),
            ["No picture"] = await InsertJobAsync(host, j => (j.Name, j.Status, j.CreatedAt) = ("No picture", JobStatus.Failed, now.AddMinutes(-1))),
            ["Photo gone"] = await InsertJobAsync(host, j =>
                (j.Name, j.Status, j.CreatedAt, j.ImagePath) = ("Photo gone", JobStatus.Failed, now.AddMinutes(-2), $"uploads/{j.Id}/image.png")),
            ["Expired"] = await InsertJobAsync(host, j =>
                (j.Name, j.Status, j.CreatedAt, j.ImagePath, j.ExpiredAt) = ("Expired", JobStatus.Succeeded, now.AddMinutes(-3), $"uploads/{j.Id}/image.png", now)),
        };

        await using var browser = await BrowserKit.OpenPageAsync(host, 1366, 900);
        var page = browser.Page;
        var problems = BrowserKit.WatchForProblems(page, failedResponses: false); // the gone photo's 404 is the point
        await BrowserKit.SignInAsync(page);
        await page.GotoAsync("/history");
        await BrowserKit.WaitForCircuitAsync(page);
        ILocator Row(string name) => page.Locator($"tr:has([data-job-id='{ids[name]}'])");
        await Assertions.Expect(page.Locator("[data-job-id]")).ToHaveTextAsync(["With photo", "No picture", "Photo gone", "Expired"]);
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('img.history-thumb')].every(i => i.complete)");

        // Known on the server: a placeholder, no img at all.
        foreach (var name in new[] { "No picture", "Expired" })
        {
            await Assertions.Expect(Row(name).Locator(".thumb-cell .thumb-placeholder")).ToBeVisibleAsync();
            await Assertions.Expect(Row(name).Locator(".thumb-cell img")).ToHaveCountAsync(0);
        }
        // Found out in the page: the img is hidden and the placeholder after it shown.
        await Assertions.Expect(Row("Photo gone").Locator(".thumb-cell .thumb-placeholder")).ToBeVisibleAsync();
        await Assertions.Expect(Row("Photo gone").Locator(".thumb-cell img")).ToBeHiddenAsync();
        // A picture there is: the image, no placeholder.
        await Assertions.Expect(Row("With photo").Locator(".thumb-cell img")).ToBeVisibleAsync();
        await Assertions.Expect(Row("With photo").Locator(".thumb-cell .thumb-placeholder")).ToBeHiddenAsync();
        // The placeholder is the thumbnail's size, so the rows line up.
        var sizes = await page.EvaluateAsync<double[]>("() => [...document.querySelectorAll('.thumb-cell a > :is(img, span)')]" +
            ".filter(e => e.offsetParent !== null).flatMap(e => [e.getBoundingClientRect().width, e.getBoundingClientRect().height])");
        Assert.Equal(8, sizes.Length);
        Assert.All(sizes, s => Assert.Equal(56, s, 0.5));
        // No image the browser shows broken: every img on screen decoded a picture.
        var broken = await page.EvaluateAsync<int>("() => [...document.querySelectorAll('img')]" +
            ".filter(i => i.checkVisibility() && (!i.complete || i.naturalWidth === 0)).length");
        Assert.Equal(0, broken);
        await page.ScreenshotAsync(new() { Path = Path.Combine(TestMedia.ArtifactsDir, "history-no-picture.png") });
        Assert.DoesNotContain(problems, p => !p.Contains("404"));

        // An operator sees the same rows, none of them hers: each gets the placeholder, without a link (she may not open
        // the job), where the cell used to be empty; the picture there is not shown either. At both widths.
        (await host.CreateUserAsync("olga@sonicweb.test", Roles.Operator, "Olga")).Client.Dispose();
        foreach (var (width, height) in new[] { (1366, 900), (390, 844) })
        {
            var other = await browser.NewPageAsync(width, height);
            await BrowserKit.SignInAsync(other, "olga@sonicweb.test", "user-password-for-tests");
            await other.GotoAsync("/history");
            await BrowserKit.WaitForCircuitAsync(other);
            await Assertions.Expect(other.Locator("[data-job-id]")).ToHaveTextAsync(["With photo", "No picture", "Photo gone", "Expired"]);
            await Assertions.Expect(other.Locator(".thumb-cell .thumb-placeholder:visible")).ToHaveCountAsync(4);
            await Assertions.Expect(other.Locator(".thumb-cell a")).ToHaveCountAsync(0);
            await Assertions.Expect(other.Locator(".thumb-cell img")).ToHaveCountAsync(0);
            var placeholders = await other.EvaluateAsync<double[]>("() => [...document.querySelectorAll('.thumb-cell .thumb-placeholder')]" +
                ".flatMap(e => [e.getBoundingClientRect().width, e.getBoundingClientRect().height])");
            Assert.Equal(8, placeholders.Length);
            Assert.All(placeholders, s => Assert.Equal(56, s, 0.5));
            await BrowserKit.ScreenshotWholePageAsync(other, Path.Combine(TestMedia.ArtifactsDir, $"history-not-yours-{width}.png"));
            await other.Context.CloseAsync();
        }
    }
}
