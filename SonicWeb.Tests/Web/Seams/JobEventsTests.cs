using Microsoft.Extensions.Logging.Abstractions;
using SonicWeb.Data;
using SonicWeb.Jobs;
using SonicWeb.Jobs.Transport;

namespace SonicWeb.Tests.Web.Seams;

/// <summary>The in-process job events: per-job and all-jobs subscriptions, in order, until disposed.</summary>
public sealed class JobEventsTests
{
    private static JobStatusChanged Status(string id) => new(new JobView(id, "n", null, JobStatus.Queued, null, 1, 0, 1, 0, 10, null, null, null, 1, 1,
        256, 256, "builtin", default, null, [], null, null, false, DateTime.UtcNow, null, null, JobView.LinksFor(id)));

    [Fact]
    public async Task Subscribers_get_their_jobs_events_in_order_until_they_unsubscribe()
    {
        var events = new InProcessJobEvents(NullLogger<InProcessJobEvents>.Instance);
        var forA = new List<string>();
        var forAll = new List<string>();
        var a = events.Subscribe("aaaaaaaaaaaaaaaaaaaaaaaa", e => { forA.Add(e.GetType().Name + ":" + e.JobId[..1]); return Task.CompletedTask; });
        var all = events.Subscribe(null, e => { forAll.Add(e.JobId[..1]); return Task.CompletedTask; });

        await events.PublishAsync(Status("aaaaaaaaaaaaaaaaaaaaaaaa"));
        await events.PublishAsync(Status("bbbbbbbbbbbbbbbbbbbbbbbb"));
        await events.PublishAsync(new JobFinished("aaaaaaaaaaaaaaaaaaaaaaaa", JobEnd.Deleted, null, null));
        a.Dispose();
        await events.PublishAsync(Status("aaaaaaaaaaaaaaaaaaaaaaaa"));
        all.Dispose();
        await events.PublishAsync(Status("bbbbbbbbbbbbbbbbbbbbbbbb"));

        Assert.Equal(["JobStatusChanged:a", "JobFinished:a"], forA);
        Assert.Equal(["a", "b", "a", "a"], forAll);
        Assert.Equal(0, events.SubscriberCount("aaaaaaaaaaaaaaaaaaaaaaaa"));
        Assert.Equal(0, events.SubscriberCount(null));
    }

    [Fact]
    public async Task A_failing_subscriber_does_not_stop_the_others_or_the_publisher()
    {
        var events = new InProcessJobEvents(NullLogger<InProcessJobEvents>.Instance);
        int delivered = 0;
        using var broken = events.Subscribe(null, _ => throw new InvalidOperationException("a watcher went away"));
        using var working = events.Subscribe(null, _ => { delivered++; return Task.CompletedTask; });

        await events.PublishAsync(Status("cccccccccccccccccccccccc"));

        Assert.Equal(1, delivered);
    }
}
