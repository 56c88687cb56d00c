using SonicWeb.Tests.TestSupport;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Web;

[Collection(WebCollection.Name)]
public sealed class RestartTests
{
    [Theory]
    [InlineData(TestDatabase.Sqlite)]
    [InlineData(TestDatabase.Postgres)] // the same test on PostgreSQL (docs/deploy.md, "Database")
    public async Task A_job_running_when_the_app_stops_runs_again_after_restart_and_completes(TestDatabase database)
    {
        string root, id;
        using (var first = new WebTestHost(settings: Paced(), database: database)) // still rendering when the host stops
        {
            root = first.Root;
            id = (await SubmitAsync(first.Http, TestMedia.AstronautPng, LongSpeech, ("min_resolution", "384"))).GetProperty("id").GetString()!;
            var running = await WaitForAsync(first.Http, id, j => j.GetProperty("framesDone").GetInt32() > 0, TimeSpan.FromSeconds(30));
            Assert.Equal("Running", running.Status());
            Assert.Equal(1, running.GetProperty("attempts").GetInt32());
        } // the host stops mid-render

        using var second = new WebTestHost(root, database: database);
        var done = await WaitForAsync(second.Http, id, IsFinished, TimeSpan.FromSeconds(90));
        Assert.Equal("Succeeded", done.Status());
        Assert.Equal(2, done.GetProperty("attempts").GetInt32());
        var probe = Probe(Path.Combine(root, "outputs", id, "video.mp4"));
        Assert.Equal(384, probe.Width);
    }
}
