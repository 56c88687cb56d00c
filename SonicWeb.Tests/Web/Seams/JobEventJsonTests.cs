using System.Text.Json;
using SonicWeb.Data;
using SonicWeb.Jobs;
using SonicWeb.Jobs.Transport;

namespace SonicWeb.Tests.Web.Seams;

/// <summary>Job events cross nodes as JSON: each kind comes back as the same record, with the publishing node.</summary>
public sealed class JobEventJsonTests
{
    private static JobView View(string id, JobStatus status) => new JobView(id, "clip", "ann", status, "Completed", null, 2, 3.5, 50, 50, 4.2, null, 3.9, 2.0, 2.0,
        256, 256, "builtin", JsonDocument.Parse("""{"seed":3}""").RootElement, 3, ["w1"], new JobError("e", "m"), null, true,
        new DateTime(2026, 12, 2, 10, 0, 0, DateTimeKind.Utc), null, null, JobView.LinksFor(id))
    {
        OwnerId = "u1", BatchId = "b1", StatusText = "Done", StageText = "Completed", Actions = JobActions.For(status, true, false),
    };

    [Fact]
    public void Progress_status_and_finished_events_round_trip_with_their_type_and_node()
    {
        const string id = "aaaaaaaaaaaaaaaaaaaaaaaa";
        JobEvent[] events =
        [
            new JobProgressed(new JobProgressMessage(id, "Rendering", 10, 50, 1.5, 6.0, "/api/jobs/x/preview?v=3", 7) { SentAt = new DateTime(2026, 12, 2, 10, 0, 1, DateTimeKind.Utc) }),
            new JobStatusChanged(View(id, JobStatus.Running)),
            new JobFinished(id, JobEnd.Succeeded, "b1", View(id, JobStatus.Succeeded), Reused: true),
            new JobFinished(id, JobEnd.Deleted, null, null),
        ];
        foreach (var e in events)
        {
            var json = JobEventJson.Serialize(e, "node-1");
            var (back, node) = JobEventJson.Deserialize(json);
            Assert.Equal("node-1", node);
            Assert.Equal(e.GetType(), back.GetType());
            Assert.Equal(id, back.JobId);
            // Records compare by value; JsonElement and lists compare by reference, so compare the JSON again.
            Assert.Equal(System.Text.Encoding.UTF8.GetString(json), System.Text.Encoding.UTF8.GetString(JobEventJson.Serialize(back, "node-1")));
        }
        var progress = (JobProgressed)JobEventJson.Deserialize(JobEventJson.Serialize(events[0], "n")).Event;
        Assert.Equal(events[0], progress);
        var finished = (JobFinished)JobEventJson.Deserialize(JobEventJson.Serialize(events[2], "n")).Event;
        Assert.True(finished.Reused);
        Assert.Equal("u1", finished.Job!.OwnerId);
        Assert.Equal(3, finished.Job.Parameters.GetProperty("seed").GetInt32());
        Assert.Contains("\"type\":\"progress\"", System.Text.Encoding.UTF8.GetString(JobEventJson.Serialize(events[0], "n")));
    }

    [Fact]
    public void Anything_else_is_refused()
    {
        Assert.ThrowsAny<JsonException>(() => JobEventJson.Deserialize("""{"node":"n","event":{"type":"nonsense","jobId":"x"}}"""u8));
        Assert.ThrowsAny<JsonException>(() => JobEventJson.Deserialize("not json"u8));
    }
}
