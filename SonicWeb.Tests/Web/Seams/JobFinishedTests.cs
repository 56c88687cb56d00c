using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SonicWeb.Jobs.Finishing;
using SonicWeb.Jobs.Transport;
using SonicWeb.Notifications;
using SonicWeb.Tests.TestSupport;
using SonicWeb.Tests.Web.Team;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Web.Seams;

/// <summary>
/// "A job ended" is raised once per ending, wherever it happens: a run that succeeds, a background
/// check that fails, a reused video, a cancel before and during the run, a delete before and during the
/// run; deleting a job that had already ended raises nothing more. Every handler sees each ending once.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class JobFinishedTests
{
    /// <summary>Stands last among the handlers: every ending the app raises, in order.</summary>
    private sealed class FinishedRecorder : IJobFinishedHandler
    {
        public ConcurrentQueue<JobFinished> Seen { get; } = new();
        public Task HandleAsync(JobFinished finished, CancellationToken ct) { Seen.Enqueue(finished); return Task.CompletedTask; }
    }

    [Fact]
    public async Task Each_ending_raises_every_handler_once_including_cancel_and_delete()
    {
        var recorder = new FinishedRecorder();
        var emails = new NotificationRecorder();
        using var host = new WebTestHost(settings: Paced(), services: s =>
        {
            s.AddSingleton<IJobFinishedHandler>(recorder);
            s.AddSingleton<IUserNotifications>(emails);
        });
        async Task<string> Submit(params (string, string)[] fields) =>
            (await SubmitAsync(host.Http, TestMedia.AstronautPng, ShortSpeech, [("min_resolution", "256"), .. fields])).GetProperty("id").GetString()!;

        var succeeded = await Submit(("seed", "1"));
        Assert.Equal("fake", (await GetJobAsync(host.Http, succeeded)).GetProperty("backend").GetString()); // the stand-in, chosen by name
        await WaitForAsync(host.Http, succeeded, IsFinished, TimeSpan.FromSeconds(60));
        var reused = await Submit(("seed", "1")); // identical inputs: the video is copied, the job ends at once

        string failed;
        using (await UploadCheckTests.ExhaustGateAsync(host))
            failed = (await SubmitAsync(host.Http, UploadCheckTests.GrayPhoto, ShortSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;
        await WaitForAsync(host.Http, failed, IsFinished, TimeSpan.FromSeconds(60)); // no face: failed by the background check

        var running = (await SubmitAsync(host.Http, TestMedia.AstronautPng, LongSpeech, ("min_resolution", "384"))).GetProperty("id").GetString()!;
        var queuedCancelled = await Submit(("seed", "2"));
        var queuedDeleted = await Submit(("seed", "3"));
        Assert.Equal(HttpStatusCode.OK, (await host.Http.PostAsync($"/api/jobs/{queuedCancelled}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await host.Http.DeleteAsync($"/api/jobs/{queuedDeleted}")).StatusCode);
        await WaitForAsync(host.Http, running, j => j.GetProperty("framesDone").GetInt32() > 0, TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, (await host.Http.PostAsync($"/api/jobs/{running}/cancel", null)).StatusCode);
        await WaitForAsync(host.Http, running, IsFinished, TimeSpan.FromSeconds(30));

        var runningDeleted = (await SubmitAsync(host.Http, TestMedia.AstronautPng, LongSpeech, ("min_resolution", "384"), ("seed", "4"))).GetProperty("id").GetString()!;
        await WaitForAsync(host.Http, runningDeleted, j => j.GetProperty("framesDone").GetInt32() > 0, TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.NoContent, (await host.Http.DeleteAsync($"/api/jobs/{runningDeleted}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await host.Http.DeleteAsync($"/api/jobs/{succeeded}")).StatusCode); // had ended already
        await Task.Delay(1500); // anything raised late would arrive now

        var ends = recorder.Seen.GroupBy(f => f.JobId).ToDictionary(g => g.Key, g => g.Select(f => f.End).ToList());
        Assert.Equal([JobEnd.Succeeded], ends[succeeded]);
        Assert.Equal([JobEnd.Succeeded], ends[reused]);
        Assert.True(recorder.Seen.Single(f => f.JobId == reused).Reused);
        Assert.Equal([JobEnd.Failed], ends[failed]);
        Assert.Equal([JobEnd.Cancelled], ends[queuedCancelled]);
        Assert.Equal([JobEnd.Deleted], ends[queuedDeleted]);
        Assert.Equal([JobEnd.Cancelled], ends[running]);
        Assert.Single(ends[runningDeleted]); // stopped by the delete: the runner's Cancelled, or Deleted if the delete won the race
        Assert.Equal(7, ends.Count);
        Assert.All(recorder.Seen.Where(f => f.End != JobEnd.Deleted), f => Assert.Equal(f.JobId, f.Job!.Id));

        // The email handler ran once per job that succeeded or failed, and for nothing else.
        Assert.Equal(new[] { succeeded, reused, failed }.Order(), emails.JobsFinished.Order());
    }
}
