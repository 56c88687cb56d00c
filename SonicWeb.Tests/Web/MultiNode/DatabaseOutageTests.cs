using System.Text.Json;
using Npgsql;
using SonicWeb.Engine.Backends.BuiltIn;
using SonicWeb.Tests.TestSupport;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Web.MultiNode;

/// <summary>
/// PostgreSQL goes down while a worker renders and the job ends during the outage (docs/deploy.md, "What happens when a
/// piece goes down"): the worker cannot commit the job's end then. It keeps the video and writes the end once the
/// database is back; the job finishes once (one attempt, one finished-job notice) with a valid MP4, and the worker
/// process takes the next job. The cluster is this test's own: it is stopped and started again.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task A_job_that_ends_while_postgres_is_down_is_recorded_once_when_it_is_back_and_the_worker_goes_on()
    {
        await using var postgres = await PostgresServer.StartAsync();
        await using var rabbit = await RabbitMqServer.StartNewAsync();
        var connection = postgres.ConnectionString("sw_outage");
        var shared = new Dictionary<string, string>
        {
            ["Database:Provider"] = "Postgres", ["ConnectionStrings:Postgres"] = connection,
            ["Queue:Transport"] = "RabbitMq", ["Queue:RabbitMq:Uri"] = rabbit.Uri,
        };
        using var web = new WebTestHost(settings: new(shared) { ["Node:Role"] = "web", ["Node:Name"] = "web-1" },
            backend: BuiltInBackend.Name, database: TestDatabase.Postgres);
        await using var worker = await AppProcess.StartAsync(
            shared.ToDictionary(s => s.Key.Replace(":", "__"), s => s.Value)
                .Concat(new Dictionary<string, string> { ["Node__Role"] = "worker", ["Node__Name"] = "worker-1", ["Jobs__PollSeconds"] = "0.5" })
                .ToDictionary(), root: web.Root);

        // A long job, rendering: the database goes away under it.
        var id = (await SubmitAsync(web.Http, TestMedia.AstronautPng, LongSpeech, ("min_resolution", "384"))).GetProperty("id").GetString()!;
        await WaitForAsync(web.Http, id, j => j.Status() == "Running" && j.GetProperty("framesDone").GetInt32() > 0, TimeSpan.FromSeconds(180));
        var video = Path.Combine(web.Root, "outputs", id, "video.mp4");
        await postgres.PauseAsync();
        Assert.False(File.Exists(video), "the job had finished before the database stopped: the test proves nothing");

        // The render ends during the outage (the encoder renames the finished MP4 into place), and the worker tries to
        // record it for a few seconds more.
        var until = DateTime.UtcNow.AddSeconds(240);
        while (!File.Exists(video))
        {
            Assert.True(DateTime.UtcNow < until, $"the render did not end within 240 s:\n{worker.Output}");
            Assert.False(worker.HasExited, $"the worker exited during the outage:\n{worker.Output}");
            await Task.Delay(200);
        }
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.False(worker.HasExited, $"the worker exited during the outage:\n{worker.Output}");
        await postgres.ResumeAsync();

        // Back: the job is Succeeded, once, with its video; one finished-job email row (its one ending announced once).
        var done = await WaitUntilAnsweredAsync(web.Http, id, IsFinished, TimeSpan.FromSeconds(120), worker);
        Assert.True(done.Status() == "Succeeded", $"{done}\n{worker.Output}");
        Assert.Equal(1, done.GetProperty("attempts").GetInt32());
        var copy = Path.Combine(TestMedia.WorkDir, $"outage-{id}.mp4");
        using (var response = await web.Http.GetAsync($"/api/jobs/{id}/video"))
        {
            response.EnsureSuccessStatusCode();
            await File.WriteAllBytesAsync(copy, await response.Content.ReadAsByteArrayAsync());
        }
        Assert.Equal("h264,aac", Probe(copy).Codecs);
        // The ending is announced after the job's row is final, so on a loaded machine its email row can come a moment
        // after the status: wait for it, then make sure no second one follows.
        string notices = $"SELECT count(*) FROM \"NotificationDeliveries\" WHERE \"JobId\" = '{id}' AND \"Kind\" = 'JobFinished' AND \"Channel\" = 0";
        var announced = DateTime.UtcNow.AddSeconds(30);
        while (await ScalarAsync(connection, notices) == 0 && DateTime.UtcNow < announced) await Task.Delay(250);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(1L, await ScalarAsync(connection, notices));

        // The same worker process takes the next job.
        Assert.False(worker.HasExited);
        var next = (await SubmitAsync(web.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;
        Assert.Equal("Succeeded", (await WaitForAsync(web.Http, next, IsFinished, TimeSpan.FromSeconds(120))).Status());
        Assert.Contains("the database did not take its final state", worker.Output);
    }

    /// <summary>Polls the job through the web node, which answers 503 until its connections to the restarted database are new.</summary>
    private static async Task<JsonElement> WaitUntilAnsweredAsync(HttpClient http, string id, Func<JsonElement, bool> done, TimeSpan timeout, AppProcess worker)
    {
        var until = DateTime.UtcNow + timeout;
        string last = "no answer";
        while (DateTime.UtcNow < until)
        {
            try
            {
                var job = await GetJobAsync(http, id);
                if (done(job)) return job;
                last = job.ToString();
            }
            catch (HttpRequestException e) { last = e.Message; }
            await Task.Delay(250);
        }
        throw new TimeoutException($"job {id} did not finish after the database came back; last: {last}\n{worker.Output}");
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
