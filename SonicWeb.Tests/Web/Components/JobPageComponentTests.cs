using System.Diagnostics;
using System.Security.Claims;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;
using SonicWeb.Accounts;
using SonicWeb.Batches;
using SonicWeb.Components.Layout;
using SonicWeb.Components.Pages.Jobs;
using SonicWeb.Components.Pages.Jobs.Components;
using SonicWeb.Components.Shared;
using SonicWeb.Data;
using SonicWeb.Jobs;
using SonicWeb.Jobs.Transport;

namespace SonicWeb.Tests.Web.Components;

/// <summary>
/// The job page's parts: which buttons each role gets for each state (the REST API's rule), how progress reads,
/// that a burst of events is coalesced into few renders, and that the finished-job snackbar only speaks of the
/// signed-in user's own jobs.
/// </summary>
public sealed class JobPageComponentTests : ComponentTestContext
{
    private const string Ana = "user-ana", Bo = "user-bo";

    public JobPageComponentTests()
    {
        Services.AddSingleton<IJobEvents, InProcessJobEvents>();
        Services.AddSingleton<BatchQueries>();
    }

    private static ClaimsPrincipal User(string id, string role) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.NameIdentifier, id), new Claim(ClaimTypes.Role, role)], "test"));

    private static JobView JobOf(string owner, JobStatus status, Action<Job>? set = null)
    {
        var job = new Job { Name = "Welcome clip", OwnerId = owner, Status = status, FramesTotal = 50, EstimatedSeconds = 20, Width = 256, Height = 256 };
        if (status == JobStatus.Succeeded) job.OutputPath = "outputs/x/video.mp4";
        set?.Invoke(job);
        return JobView.From(job, queuePosition: status == JobStatus.Queued ? 2 : null, DateTime.UtcNow);
    }

    private string[] Buttons(JobView job, ClaimsPrincipal user)
    {
        var cut = Render<JobActionBar>(p => p.Add(c => c.Job, job).Add(c => c.User, user));
        string[] ids = ["download", "confirm", "cancel", "retry", "rerun", "delete"];
        return ids.Where(id => cut.FindAll($"#{id}").Count > 0).ToArray();
    }

    [Fact]
    public void Each_role_gets_the_buttons_the_REST_API_would_allow_for_each_state()
    {
        var owner = User(Ana, Roles.Operator);
        var otherOperator = User(Bo, Roles.Operator);
        var reviewer = User(Bo, Roles.Reviewer);
        var admin = User(Bo, Roles.Admin);

        var running = JobOf(Ana, JobStatus.Running);
        Assert.Equal(["cancel", "rerun", "delete"], Buttons(running, owner));
        Assert.Empty(Buttons(running, otherOperator));
        Assert.Empty(Buttons(running, reviewer));
        Assert.Equal(["cancel", "rerun", "delete"], Buttons(running, admin));

        var awaiting = JobOf(Ana, JobStatus.AwaitingConfirmation);
        Assert.Equal(["confirm", "cancel", "rerun", "delete"], Buttons(awaiting, owner));
        Assert.Empty(Buttons(awaiting, reviewer));

        var failed = JobOf(Ana, JobStatus.Failed, j => (j.ErrorCode, j.ErrorMessage) = ("no_face", "No face found."));
        Assert.Equal(["retry", "rerun", "delete"], Buttons(failed, owner));
        Assert.Empty(Buttons(failed, otherOperator));

        var done = JobOf(Ana, JobStatus.Succeeded);
        Assert.Equal(["download", "rerun", "delete"], Buttons(done, owner));
        Assert.Equal(["download"], Buttons(done, reviewer)); // reviewers read every job: the video, not the controls
        Assert.Empty(Buttons(done, otherOperator));
        var download = Render<JobActionBar>(p => p.Add(c => c.Job, done).Add(c => c.User, owner)).Find("#download");
        Assert.Equal($"/api/jobs/{done.Id}/video?download=1", download.GetAttribute("href"));
    }

    [Fact]
    public void The_parameters_read_as_names_and_values_not_as_json()
    {
        var job = JobOf(Ana, JobStatus.Succeeded, j => j.ParametersJson =
            """{"duration":null,"min_resolution":768,"expand_ratio":0.15,"align_mouth":true,"smooth_motion":false,"seed":null,"crop":"face"}""");
        var cut = Render<JobParameterList>(p => p.Add(c => c.Parameters, job.Parameters));
        var items = cut.FindAll(".job-parameter").Select(e => e.TextContent.Trim()).ToArray();
        Assert.Equal(["duration the recording's length", "min_resolution 768", "expand_ratio 0.15", "align_mouth on",
            "smooth_motion off", "seed random", "crop face"], items);
        Assert.DoesNotContain("{", cut.Markup);
    }

    [Fact]
    public void Progress_shows_the_newest_event_while_running_and_the_row_otherwise()
    {
        var queued = JobOf(Ana, JobStatus.Queued);
        var cut = Render<JobProgressPanel>(p => p.Add(c => c.Job, queued));
        Assert.Equal("Queued", cut.Find("#status").TextContent.Trim());
        Assert.Equal("2", cut.Find("#queue-position").TextContent);
        Assert.Equal("0", cut.Find("#frames-done").TextContent);
        Assert.Equal("20.0 s", cut.Find("#remaining").TextContent);

        var running = JobOf(Ana, JobStatus.Running, j => { j.StartedAt = DateTime.UtcNow.AddSeconds(-3); j.FramesDone = 5; });
        var progress = new JobProgressMessage(running.Id, "Rendering", 12, 50, 3.5, 11.2, $"/api/jobs/{running.Id}/preview?n=3", 7);
        cut.Render(p => p.Add(c => c.Job, running).Add(c => c.Progress, progress));
        Assert.Equal("Running", cut.Find("#status").TextContent.Trim());
        Assert.Empty(cut.FindAll("#queue"));
        Assert.Equal("12", cut.Find("#frames-done").TextContent);
        Assert.Equal("50", cut.Find("#frames-total").TextContent);
        Assert.Equal("3.5 s", cut.Find("#elapsed").TextContent);
        Assert.Equal("11.2 s", cut.Find("#remaining").TextContent);
        Assert.Equal("Rendering", cut.Find("#stage").TextContent);
        var bar = cut.Find("#progress");
        Assert.Equal("12", bar.GetAttribute("data-value"));
        Assert.Contains("translateX(-76", cut.Find("#progress .mud-progress-linear-bar").GetAttribute("style")); // 12 of 50 drawn
        Assert.Equal(new DateTimeOffset(progress.SentAt).ToUnixTimeMilliseconds().ToString(), cut.Find("#job-progress").GetAttribute("data-progress-sent"));
        // The server's render time of that progress: not before the event was sent, and not in the future.
        var rendered = long.Parse(cut.Find("#job-progress").GetAttribute("data-progress-rendered")!);
        Assert.InRange(rendered, new DateTimeOffset(progress.SentAt).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

        // A progress event of a run that has since ended does not override the final state.
        var done = JobOf(Ana, JobStatus.Succeeded, j => j.FramesDone = 50);
        cut.Render(p => p.Add(c => c.Job, done).Add(c => c.Progress, progress));
        Assert.Equal("Succeeded", cut.Find("#status").TextContent.Trim());
        Assert.Equal("50", cut.Find("#frames-done").TextContent);
    }

    [Fact]
    public async Task A_render_island_draws_its_pages_current_state_when_refreshed_alone()
    {
        int frames = 1;
        var cut = Render<RenderIsland>(p => p.Add(c => c.ChildContent, b => { b.AddMarkupContent(0, $"<b id=\"frames\">{frames}</b>"); }));
        Assert.Equal("1", cut.Find("#frames").TextContent);
        int renders = cut.RenderCount;

        frames = 12; // the page's field changes (a progress event), then only the island renders
        await cut.InvokeAsync(cut.Instance.Refresh);
        Assert.Equal("12", cut.Find("#frames").TextContent);
        Assert.Equal(renders + 1, cut.RenderCount);
    }

    [Fact]
    public async Task A_burst_of_events_is_coalesced_into_few_renders_and_the_newest_state_is_shown()
    {
        var events = new InProcessJobEvents(NullLogger<InProcessJobEvents>.Instance);
        int renders = 0, applied = 0, shown = -1, newest = -1;
        var dispatcher = new SemaphoreSlim(1); // stands in for a circuit's dispatcher: one piece of work at a time
        async Task Dispatch(Func<Task> work) { await dispatcher.WaitAsync(); try { await work(); } finally { dispatcher.Release(); } }
        var interval = TimeSpan.FromMilliseconds(100);
        var started = DateTime.UtcNow;
        using var live = new LiveJobEvents(events, "job-1", e => { applied++; newest = ((JobProgressed)e).Progress.FramesDone; return true; },
            Dispatch, () => { renders++; shown = newest; }, interval, NullLogger.Instance);
        for (int i = 1; i <= 300; i++)
            await events.PublishAsync(new JobProgressed(new JobProgressMessage("job-1", "Rendering", i, 300, 1, 1, null, i)));
        await events.PublishAsync(new JobProgressed(new JobProgressMessage("other-job", "Rendering", 1, 1, 1, 1, null, 1)));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (shown != 300 && DateTime.UtcNow < deadline) await Task.Delay(20);
        var elapsed = DateTime.UtcNow - started;

        Assert.Equal(300, applied); // every event of this job reached the page's state, none of the other job's
        Assert.Equal(300, shown);   // and the last render showed the newest
        Assert.InRange(renders, 1, (int)(elapsed / interval) + 2); // at most one render per interval
        Assert.True(renders < 300, $"{renders} renders for 300 events");
        live.Dispose();
        Assert.Equal(0, events.SubscriberCount("job-1"));
    }

    /// <summary>
    /// The interval between two renders is counted from when their events reached the page, not from when the first
    /// render ran: a render held up on a busy dispatcher must not make the next event, on time, wait as well (the job's
    /// progress comes at most ten a second, so with a 100 ms interval each delay used to echo into the next update).
    /// </summary>
    [Fact]
    public async Task An_event_an_interval_after_the_last_one_renders_at_once_even_when_that_render_ran_late()
    {
        var events = new InProcessJobEvents(NullLogger<InProcessJobEvents>.Instance);
        var dispatcher = new SemaphoreSlim(1);
        int dispatched = 0;
        async Task Dispatch(Func<Task> work)
        {
            // The first piece of work finds the dispatcher busy for 90 ms; the rest run at once.
            if (Interlocked.Increment(ref dispatched) == 1) await Task.Delay(90);
            await dispatcher.WaitAsync();
            try { await work(); } finally { dispatcher.Release(); }
        }
        var clock = Stopwatch.StartNew();
        var renderedAt = new List<double>();
        using var live = new LiveJobEvents(events, "job-1", _ => true, Dispatch,
            () => { lock (renderedAt) renderedAt.Add(clock.Elapsed.TotalMilliseconds); }, TimeSpan.FromMilliseconds(100), NullLogger.Instance);
        int Count() { lock (renderedAt) return renderedAt.Count; }

        await events.PublishAsync(new JobProgressed(new JobProgressMessage("job-1", "Rendering", 1, 100, 1, 1, null, 1)));
        while (Count() < 1 && clock.ElapsedMilliseconds < 5000) await Task.Delay(5);
        var untilSecond = TimeSpan.FromMilliseconds(110) - clock.Elapsed; // an interval and a little after the first event
        if (untilSecond > TimeSpan.Zero) await Task.Delay(untilSecond);
        double second = clock.Elapsed.TotalMilliseconds;
        await events.PublishAsync(new JobProgressed(new JobProgressMessage("job-1", "Rendering", 2, 100, 1, 1, null, 2)));
        while (Count() < 2 && clock.ElapsedMilliseconds < 5000) await Task.Delay(1);

        lock (renderedAt)
        {
            Assert.Equal(2, renderedAt.Count);
            Assert.True(renderedAt[0] >= 85, $"the first render ran at {renderedAt[0]:0} ms, after the busy dispatcher");
            // Counted from the first render (at ~90 ms) the second event would have waited until ~190 ms.
            Assert.True(renderedAt[1] - second < 40, $"the second event came at {second:0} ms and rendered at {renderedAt[1]:0} ms");
        }
    }

    [Fact]
    public async Task A_render_waits_until_the_browser_showed_the_previous_one_and_then_shows_the_newest_state()
    {
        var events = new InProcessJobEvents(NullLogger<InProcessJobEvents>.Instance);
        var dispatcher = new SemaphoreSlim(1);
        async Task Dispatch(Func<Task> work) { await dispatcher.WaitAsync(); try { await work(); } finally { dispatcher.Release(); } }
        int newest = -1;
        var renders = new List<(int Shown, TaskCompletionSource Browser)>();
        Task Render()
        {
            var browser = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (renders) renders.Add((newest, browser));
            return browser.Task;
        }
        int Count() { lock (renders) return renders.Count; }
        async Task PublishAsync(int frames) =>
            await events.PublishAsync(new JobProgressed(new JobProgressMessage("job-1", "Rendering", frames, 100, 1, 1, null, frames)));
        async Task WaitForRendersAsync(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (Count() < count && DateTime.UtcNow < deadline) await Task.Delay(10);
            Assert.Equal(count, Count());
        }
        using var live = new LiveJobEvents(events, "job-1", e => { newest = ((JobProgressed)e).Progress.FramesDone; return true; },
            Dispatch, Render, TimeSpan.FromMilliseconds(20), NullLogger.Instance);

        await PublishAsync(1);
        await WaitForRendersAsync(1);
        // The browser has not shown frame 1 yet: however many events come and however long it takes, no render is sent.
        for (int i = 2; i <= 10; i++) { await PublishAsync(i); await Task.Delay(30); }
        Assert.Equal(1, Count());

        // Once it has, the next render goes at once, with the newest state.
        lock (renders) renders[0].Browser.SetResult();
        await WaitForRendersAsync(2);
        lock (renders) Assert.Equal(10, renders[1].Shown);

        // Shown, and nothing new: no render. A new event renders again.
        lock (renders) renders[1].Browser.SetResult();
        await Task.Delay(100);
        Assert.Equal(2, Count());
        await PublishAsync(11);
        await WaitForRendersAsync(3);
        lock (renders) Assert.Equal(11, renders[2].Shown);

        // A render the browser never acknowledges (its component gone) holds the next one back for BrowserWait only.
        await PublishAsync(12);
        await Task.Delay(LiveJobEvents.BrowserWait / 2);
        Assert.Equal(3, Count());
        await WaitForRendersAsync(4);
        lock (renders) Assert.Equal(12, renders[3].Shown);
    }

    [Fact]
    public void The_live_preview_changes_at_most_once_an_interval_and_then_shows_the_newest()
    {
        var clock = new ManualClock();
        var preview = new LivePreview(TimeSpan.FromSeconds(1), clock);
        Assert.True(preview.Offer("/api/jobs/j/preview?n=1"));
        Assert.Equal("/api/jobs/j/preview?n=1", preview.Url);

        clock.Advance(TimeSpan.FromMilliseconds(500)); // the engine's next preview, too soon
        Assert.False(preview.Offer("/api/jobs/j/preview?n=2"));
        clock.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(preview.Offer("/api/jobs/j/preview?n=2"));
        Assert.Equal("/api/jobs/j/preview?n=1", preview.Url);

        clock.Advance(TimeSpan.FromMilliseconds(600)); // the next event after the interval carries the newest preview
        Assert.True(preview.Offer("/api/jobs/j/preview?n=3"));
        Assert.Equal("/api/jobs/j/preview?n=3", preview.Url);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.False(preview.Offer("/api/jobs/j/preview?n=3")); // the same image: nothing to draw
        Assert.False(preview.Offer(null));

        preview.Clear(); // a new run: its first preview shows at once
        Assert.Null(preview.Url);
        Assert.True(preview.Offer("/api/jobs/j/preview?n=1"));
    }

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = 1;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => _ticks;
        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    [Fact]
    public async Task The_snackbar_tells_the_user_about_their_own_finished_jobs_only()
    {
        var events = (InProcessJobEvents)Services.GetRequiredService<IJobEvents>();
        var bo = await CreateUserAsync("bo@example.test", Roles.Operator, "Bo");
        SignIn(bo, "Bo", Roles.Operator);
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        var snackbars = Render<MudSnackbarProvider>();
        Render<JobFinishedSnackbar>();
        await WaitForSubscriberAsync(events);

        var anasJob = JobOf(Ana, JobStatus.Succeeded) with { Name = "Ana's secret" };
        await events.PublishAsync(new JobFinished(anasJob.Id, JobEnd.Succeeded, null, anasJob));
        var bosJob = JobOf(bo, JobStatus.Failed, j => (j.ErrorCode, j.ErrorMessage) = ("no_face", "No face found in the photo."));
        await events.PublishAsync(new JobFinished(bosJob.Id, JobEnd.Failed, null, bosJob));

        snackbars.WaitForAssertion(() => Assert.Single(snackbars.FindAll(".job-finished")));
        var message = snackbars.Find(".job-finished");
        Assert.Equal(bosJob.Id, message.GetAttribute("data-id"));
        Assert.Contains("\"Welcome clip\" failed: No face found in the photo.", message.TextContent);
        Assert.Equal($"/jobs/{bosJob.Id}", message.QuerySelector("a")!.GetAttribute("href"));
        Assert.DoesNotContain("Ana's secret", snackbars.Markup);
        Assert.DoesNotContain(anasJob.Id, snackbars.Markup);
    }

    private static async Task WaitForSubscriberAsync(InProcessJobEvents events)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (events.SubscriberCount(null) == 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(1, events.SubscriberCount(null));
    }
}
