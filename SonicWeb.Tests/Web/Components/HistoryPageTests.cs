using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using SonicWeb.Accounts;
using SonicWeb.Batches;
using SonicWeb.Components.Pages;
using SonicWeb.Components.Shared.Jobs;
using SonicWeb.Data;
using SonicWeb.Jobs;
using SonicWeb.Jobs.Transport;
using SonicWeb.Reviews;

namespace SonicWeb.Tests.Web.Components;

/// <summary>
/// The history page over the real JobQueries and a real SQLite file: the filters in the address, the sort labels and
/// the pager give the rows the database returns for them; each role gets the links, downloads, zip and delete
/// choices the REST API allows (JobAccess); a job's status change reaches the row without a reload. The delete button
/// (JobLifecycle, covered by the browser test) is a stub here whose parameters show what it was given.
/// </summary>
public sealed class HistoryPageTests : ComponentTestContext
{
    private const string Ana = "ana-id", Bo = "bo-id";
    private static readonly DateTime Day1 = new(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc);

    public HistoryPageTests()
    {
        Services.AddSingleton<JobQueries>();
        Services.AddSingleton<BatchQueries>();
        Services.AddSingleton<IJobEvents, InProcessJobEvents>();
        // The stub shows what the page gave the delete button: the jobs' ids and how many chosen ones it may not delete.
        ComponentFactories.AddStub<DeleteJobsButton>(p => b =>
        {
            b.OpenElement(0, "span");
            b.AddAttribute(1, "id", "delete-stub");
            b.AddAttribute(2, "data-jobs", string.Join(",", p.Get(x => x.Jobs).Select(j => j.Id).Order(StringComparer.Ordinal)));
            b.AddAttribute(3, "data-not-allowed", p.Get(x => x.NotAllowed).ToString(System.Globalization.CultureInfo.InvariantCulture));
            b.CloseElement();
        });
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    /// <summary>
    /// 30 jobs, one a minute from Day1 09:00 (three days, ten a day): Ana's even ones, Bo's odd ones; every third
    /// failed (without a picture), the rest succeeded; names "clip 00".."clip 29" except a few called "Welcome ..."; audio 30 - i seconds.
    /// </summary>
    private async Task<List<Job>> SeedAsync()
    {
        var jobs = Enumerable.Range(0, 30).Select(i => new Job
        {
            Name = i is 4 or 13 or 22 ? $"Welcome {i:00}" : $"clip {i:00}",
            OwnerId = i % 2 == 0 ? Ana : Bo, Submitter = i % 2 == 0 ? "Ana" : "Bo",
            Status = i % 3 == 0 ? JobStatus.Failed : JobStatus.Succeeded,
            OutputPath = i % 3 == 0 ? null : $"outputs/{i}/video.mp4",
            ThumbnailPath = i % 3 == 0 ? null : $"outputs/{i}/thumbnail.jpg", // the failed ones have no picture (nor a photo)
            CreatedAt = Day1.AddDays(i / 10).AddMinutes(i), AudioSeconds = 30 - i, Width = 256, Height = 256,
            ReviewDecision = i == 5 ? ReviewState.Approved : null,
        }).ToList();
        await using var context = await Services.GetRequiredService<IDbContextFactory<SonicDbContext>>().CreateDbContextAsync();
        context.Jobs.AddRange(jobs);
        await context.SaveChangesAsync();
        return jobs;
    }

    private IRenderedComponent<MudPopoverProvider>? _popovers;

    private IRenderedComponent<History> Open(string address)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(address);
        _popovers ??= Render<MudPopoverProvider>(); // one per test, as in the app's layout
        return Render<History>();
    }

    private static List<string> RowNames(IRenderedComponent<History> cut) =>
        cut.FindAll("span[data-job-id]").Select(e => e.TextContent.Trim()).ToList();

    [Fact]
    public async Task Filters_sort_and_pages_from_the_address_and_the_controls_give_the_rows_the_database_returns()
    {
        var jobs = await SeedAsync();
        SignIn("rita-id", "Rita", Roles.Reviewer);

        // Default: newest first, 20 a page.
        var cut = Open("/history");
        cut.WaitForAssertion(() => Assert.Equal(jobs.OrderByDescending(j => j.CreatedAt).Take(20).Select(j => j.Name), RowNames(cut)));
        Assert.Contains("30 job(s), page 1 of 2", cut.Find("#history-total").TextContent);

        // Status and sort from the address: the failed ones by audio length, shortest first.
        cut = Open("/history?status=Failed&sort=audio");
        cut.WaitForAssertion(() => Assert.Equal(
            jobs.Where(j => j.Status == JobStatus.Failed).OrderBy(j => j.AudioSeconds).Select(j => j.Name), RowNames(cut)));

        // Text over name and submitter, a date range (whole days, both ends included) and the review state.
        cut = Open("/history?q=welcome&from=2026-11-21&to=2026-11-22");
        cut.WaitForAssertion(() => Assert.Equal(["Welcome 22", "Welcome 13"], RowNames(cut)));
        cut = Open("/history?q=bo&review=approved");
        cut.WaitForAssertion(() => Assert.Equal(["clip 05"], RowNames(cut)));

        // The controls: the second page of the default list, then a name sort by clicking its label.
        cut = Open("/history");
        cut.WaitForAssertion(() => Assert.Equal(20, RowNames(cut).Count));
        await cut.InvokeAsync(() => cut.FindAll(".history-pager button").First(b => b.TextContent.Trim() == "2").Click());
        cut.WaitForAssertion(() => Assert.Equal(jobs.OrderByDescending(j => j.CreatedAt).Skip(20).Select(j => j.Name), RowNames(cut)));
        Assert.EndsWith("/history?page=2", Services.GetRequiredService<NavigationManager>().Uri);

        await cut.InvokeAsync(() => cut.FindAll("th .mud-table-sort-label").First(l => l.TextContent.Trim() == "Name").Click());
        cut.WaitForAssertion(() => Assert.Equal(jobs.OrderBy(j => j.Name, StringComparer.Ordinal).Take(20).Select(j => j.Name), RowNames(cut)));
        Assert.EndsWith("/history?sort=name", Services.GetRequiredService<NavigationManager>().Uri);

        // The search field (debounced) goes back to page 1 and into the address.
        cut.Find("#filter-text").Input("welcome");
        cut.WaitForAssertion(() => Assert.Equal(["Welcome 04", "Welcome 13", "Welcome 22"], RowNames(cut)), TimeSpan.FromSeconds(5));
        Assert.EndsWith("/history?q=welcome&sort=name", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Theory]
    [InlineData(Roles.Operator, Ana)]
    [InlineData(Roles.Reviewer, "rita-id")]
    [InlineData(Roles.Admin, "ada-id")]
    public async Task Each_role_gets_the_links_downloads_zip_and_delete_choices_the_api_allows(string role, string userId)
    {
        var jobs = await SeedAsync();
        SignIn(userId, role, role);
        var cut = Open("/history?q=clip%200"); // clip 00 .. clip 09 (clip 04 is a "Welcome"): nine rows, Ana's and Bo's
        cut.WaitForAssertion(() => Assert.Equal(9, RowNames(cut).Count));
        var shown = jobs.Where(j => j.Name.StartsWith("clip 0")).ToList();

        bool MayRead(Job j) => role != Roles.Operator || j.OwnerId == Ana;
        bool MayAct(Job j) => role == Roles.Admin || (role == Roles.Operator && j.OwnerId == Ana);
        foreach (var job in shown)
        {
            var row = cut.Find($"tr:has([data-job-id='{job.Id}'])");
            Assert.Equal(MayRead(job), row.QuerySelector($"a[href='/jobs/{job.Id}']") is not null);
            Assert.Equal(MayRead(job) && job.ThumbnailPath is not null, row.QuerySelector($"img[src='/api/jobs/{job.Id}/thumbnail']") is not null);
            // No broken image, and no empty cell for a job the user may not open: the same placeholder, without a link.
            var thumb = row.QuerySelector(".thumb-cell")!;
            Assert.Equal(!MayRead(job) || job.ThumbnailPath is null, thumb.QuerySelector(".thumb-placeholder:not(.thumb-fallback)") is not null);
            Assert.Equal(MayRead(job), thumb.QuerySelector("a") is not null);
            Assert.Equal(MayRead(job) && job.Status == JobStatus.Succeeded, row.QuerySelector($"a[href='/api/jobs/{job.Id}/video?download=1']") is not null);
            Assert.Contains(job.Status.ToString(), row.QuerySelector(".status-chip")!.TextContent);
        }
        Assert.Equal("Approved", cut.Find($"tr:has([data-job-id='{shown.Single(j => j.Name == "clip 05").Id}']) .review-chip").TextContent.Trim());

        // Choose every row (the header's box): the zip takes the videos the user may download, delete the jobs they may act on.
        await cut.InvokeAsync(() => cut.Find("thead input[type=checkbox]").Change(true));
        cut.WaitForAssertion(() => Assert.Contains("9 chosen", cut.Find("#selection-count").TextContent));
        var zippable = shown.Where(j => MayRead(j) && j.Status == JobStatus.Succeeded).Select(j => j.Id).Order(StringComparer.Ordinal).ToList();
        var href = cut.Find("#zip-selected").GetAttribute("href")!;
        Assert.StartsWith("/api/jobs/zip?", href);
        Assert.Equal(zippable, href.Split('?')[1].Split('&').Select(p => p["ids=".Length..]).Order(StringComparer.Ordinal).ToList());
        var delete = cut.Find("#delete-stub");
        Assert.Equal(string.Join(",", shown.Where(MayAct).Select(j => j.Id).Order(StringComparer.Ordinal)), delete.GetAttribute("data-jobs"));
        Assert.Equal(shown.Count(j => !MayAct(j)).ToString(System.Globalization.CultureInfo.InvariantCulture), delete.GetAttribute("data-not-allowed"));
    }

    [Fact]
    public async Task A_status_change_reaches_the_row_without_a_reload_and_the_subscription_ends_with_the_page()
    {
        var jobs = await SeedAsync();
        SignIn(Ana, "Ana", Roles.Operator);
        var cut = Open("/history?q=clip%2028");
        var job = jobs.Single(j => j.Name == "clip 28");
        cut.WaitForAssertion(() => Assert.Contains("Succeeded", cut.Find($"tr:has([data-job-id='{job.Id}']) .status-chip").TextContent));

        await using (var context = await Services.GetRequiredService<IDbContextFactory<SonicDbContext>>().CreateDbContextAsync())
            await context.Jobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Running).SetProperty(j => j.FramesTotal, 100).SetProperty(j => j.FramesDone, 10));
        var events = Services.GetRequiredService<IJobEvents>();
        var view = (await Services.GetRequiredService<JobQueries>().GetAsync(job.Id))!;
        await events.PublishAsync(new JobStatusChanged(view));
        cut.WaitForAssertion(() => Assert.Contains("Running", cut.Find($"tr:has([data-job-id='{job.Id}']) .status-chip").TextContent), TimeSpan.FromSeconds(5));
        await events.PublishAsync(new JobProgressed(new JobProgressMessage(job.Id, "render", 42, 100, 3, 5, null, 1)));
        cut.WaitForAssertion(() => Assert.Contains("42 / 100 frames", cut.Find($"tr:has([data-job-id='{job.Id}'])").TextContent), TimeSpan.FromSeconds(5));

        var inProcess = (InProcessJobEvents)events;
        Assert.Equal(1, inProcess.SubscriberCount(null));
        await DisposeComponentsAsync();
        Assert.Equal(0, inProcess.SubscriberCount(null));
    }

    [Theory]
    [InlineData("/history?q=%20x%20&status=nonsense&review=later&from=2026-13-01&sort=-audio", "x", null, null, null, "-audio")]
    [InlineData("/history?status=failed&review=changes_requested&from=2026-11-20&sort=sideways", null, JobStatus.Failed, ReviewState.ChangesRequested, "2026-11-20", "-created")]
    public void The_address_is_read_leniently_and_written_back_without_defaults(string address, string? text, JobStatus? status, ReviewState? review, string? from, string sort)
    {
        var query = System.Web.HttpUtility.ParseQueryString(new Uri("http://x" + address).Query);
        var filter = HistoryFilter.Parse(query["q"], query["status"], query["review"], query["from"], query["to"], query["sort"]);
        Assert.Equal(new HistoryFilter(text, status, review, HistoryFilter.ParseDate(from), null, sort), filter);
        Assert.Equal(filter, HistoryFilter.Parse(
            System.Web.HttpUtility.ParseQueryString(new Uri("http://x" + filter.ToUrl()).Query) is var back ? back["q"] : null,
            back["status"], back["review"], back["from"], back["to"], back["sort"]));
    }
}
