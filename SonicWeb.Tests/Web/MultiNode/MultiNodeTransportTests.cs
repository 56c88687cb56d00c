using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using SonicWeb.Jobs.Transport;
using SonicWeb.Jobs.Transport.RabbitMq;
using SonicWeb.Tests.TestSupport;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Web.MultiNode;

/// <summary>
/// Issue 14, the transport: two app instances share one SQLite file, one storage root and a real RabbitMQ
/// node (and a real Redis for the hub backplane), all on loopback and started by the test set-up. Jobs,
/// stop requests and events travel between the instances through the broker.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class MultiNodeTransportTests(BrokerFixture brokers) : IClassFixture<BrokerFixture>
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Jobs_submitted_to_one_node_each_run_once_and_both_nodes_hear_their_progress_in_order()
    {
        using var nodes = new TwoNodes(brokers);
        var ids = new List<string>();
        for (int i = 0; i < 6; i++)
            ids.Add((await SubmitAsync(nodes.A.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"), ("seed", i.ToString()))).GetProperty("id").GetString()!);

        foreach (var id in ids)
        {
            var job = await WaitForAsync(nodes.B.Http, id, IsFinished, JobTimeout);
            Assert.Equal("Succeeded", job.Status());
            Assert.Equal(1, job.GetProperty("attempts").GetInt32());
            var video = Path.Combine(Path.GetTempPath(), $"sonicweb-mn-{id}.mp4");
            await File.WriteAllBytesAsync(video, await nodes.B.Http.GetByteArrayAsync($"/api/jobs/{id}/video")); // through the node that may not have made it
            var (width, _, duration, codecs) = Probe(video);
            File.Delete(video);
            Assert.Equal(256, width);
            Assert.InRange(duration, 1.5, 4);
            Assert.Equal("h264,aac", codecs);
        }
        await WaitUntilAsync(() => ids.All(id => nodes.EventsOf("A", id).OfType<JobFinished>().Any() && nodes.EventsOf("B", id).OfType<JobFinished>().Any()));
        await Task.Delay(500); // a duplicate would arrive now
        foreach (var node in new[] { "A", "B" })
            foreach (var id in ids)
            {
                var finished = nodes.EventsOf(node, id).OfType<JobFinished>().ToList();
                Assert.True(finished.Count == 1, $"node {node} heard {finished.Count} ends of job {id}");
                Assert.Equal(JobEnd.Succeeded, finished[0].End);
                var sequence = nodes.EventsOf(node, id).OfType<JobProgressed>().Select(p => p.Progress.Sequence).ToList();
                Assert.NotEmpty(sequence);
                Assert.True(sequence.Zip(sequence.Skip(1)).All(p => p.Second > p.First), $"node {node}, job {id}: progress out of order or twice: {string.Join(",", sequence)}");
            }

        // Previews travel as URLs; the file is on the shared storage, so either node serves it.
        var preview = ids.SelectMany(id => nodes.EventsOf("A", id).OfType<JobProgressed>()).Select(p => p.Progress.PreviewUrl).First(u => u is not null)!;
        using var fromB = await nodes.B.Http.GetAsync(preview);
        Assert.Equal(HttpStatusCode.OK, fromB.StatusCode);
        Assert.StartsWith("image/", fromB.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_cancel_on_the_web_node_stops_the_job_running_on_the_worker_node()
    {
        using var nodes = new TwoNodes(brokers, aRunsJobs: false, settings: Paced());
        var id = (await SubmitAsync(nodes.A.Http, TestMedia.AstronautPng, LongSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;
        await WaitForAsync(nodes.A.Http, id, j => j.Status() == "Running" && j.GetProperty("framesDone").GetInt32() > 0, JobTimeout);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var cancel = await nodes.A.Http.PostAsync($"/api/jobs/{id}/cancel", null);
        var body = await cancel.Content.ReadAsStringAsync();
        Assert.True(cancel.StatusCode == HttpStatusCode.OK, $"cancel: {(int)cancel.StatusCode} {body}");
        Assert.Equal("Cancelled", JsonDocument.Parse(body).RootElement.Status());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the cancel took {clock.Elapsed}");
        var job = await GetJobAsync(nodes.B.Http, id);
        Assert.Equal("Cancelled", job.Status());
        Assert.False(job.GetProperty("hasVideo").GetBoolean());
        await WaitUntilAsync(() => nodes.EventsOf("B", id).OfType<JobFinished>().Any());
        Assert.Equal(JobEnd.Cancelled, Assert.Single(nodes.EventsOf("B", id).OfType<JobFinished>()).End);
    }

    [Fact]
    public async Task A_hub_client_on_the_web_node_receives_each_progress_of_a_job_on_the_worker_node_once_through_Redis()
    {
        using var nodes = new TwoNodes(brokers, aRunsJobs: false, settings: Paced(), redis: true);
        var id = (await SubmitAsync(nodes.A.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"), ("preview_first", "true"))).GetProperty("id").GetString()!;
        await using var hub = await JobsHubClient.ConnectAsync(nodes.A.BaseAddress, nodes.A.Cookies);
        await hub.JoinAsync(id);
        using (var confirm = await nodes.A.Http.PostAsync($"/api/jobs/{id}/confirm", null))
            Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);

        var progress = new List<JsonElement>();
        var statuses = new List<JsonElement>();
        using var timeout = new CancellationTokenSource(JobTimeout);
        await foreach (var (target, payload) in hub.Messages.ReadAllAsync(timeout.Token))
        {
            if (target == "progress") progress.Add(payload);
            else { statuses.Add(payload); if (IsFinished(payload)) break; }
        }
        await Task.Delay(1000); // duplicates (one per node) would arrive now
        while (hub.Messages.TryRead(out var late)) (late.Target == "progress" ? progress : statuses).Add(late.Payload);

        Assert.Equal("Succeeded", statuses.Last(IsFinished).Status());
        Assert.Single(statuses, IsFinished);
        var sequence = progress.Select(p => p.GetProperty("sequence").GetInt64()).ToList();
        Assert.True(sequence.Count >= 2, $"only {sequence.Count} progress messages");
        Assert.True(sequence.Zip(sequence.Skip(1)).All(p => p.Second > p.First), $"progress twice or out of order: {string.Join(",", sequence)}");
        Assert.Equal("Completed", progress[^1].GetProperty("stage").GetString());
    }

    [Fact]
    public async Task A_job_whose_worker_stops_every_time_is_failed_dead_lettered_shown_to_the_admin_and_runs_when_queued_again()
    {
        var settings = Paced(new() { ["Queue:RabbitMq:MaxDeliveries"] = "1" });
        using var nodes = new TwoNodes(brokers, aRunsJobs: true, bRunsJobs: false, settings: settings);
        var id = (await SubmitAsync(nodes.B.Http, TestMedia.AstronautPng, LongSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;
        await WaitForAsync(nodes.B.Http, id, j => j.Status() == "Running", JobTimeout);
        nodes.A.Dispose(); // the worker stops mid-job without acknowledging: the broker gives the message back (1 delivery used)

        // A poison message too: no job id. The next worker rejects it and the broker dead-letters it.
        var factory = new ConnectionFactory { Uri = new Uri(brokers.Rabbit.Uri) };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
            await channel.BasicPublishAsync("", nodes.Prefix + ".jobs", Encoding.UTF8.GetBytes("not a job id!"));

        using var worker = new WebTestHost(root: nodes.A.Root, settings: NodeSettings(nodes, settings));
        var failed = await WaitForAsync(nodes.B.Http, id, IsFinished, JobTimeout);
        Assert.Equal("Failed", failed.Status());
        Assert.Equal(RabbitMqJobQueue.WorkerLostCode, failed.GetProperty("error").GetProperty("code").GetString());

        string page = "";
        await WaitUntilAsync(async () => (page = await nodes.B.Http.GetStringAsync("/admin/dead-letters")).Contains("not a job id!"));
        Assert.Contains($"data-body=\"{id}\"", page);
        Assert.Contains("Failed", page);
        Assert.Contains("MaxDeliveries", page); // the job's error names the limit
        using (var anonymous = nodes.B.Anonymous())
        using (var refused = await anonymous.GetAsync("/admin/dead-letters"))
            Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);

        var deadLetters = nodes.B.Services.GetRequiredService<DeadLetterQueue>();
        Assert.True(await deadLetters.RequeueAsync(id, CancellationToken.None));
        var again = await WaitForAsync(nodes.B.Http, id, IsFinished, JobTimeout);
        Assert.Equal("Succeeded", again.Status());
        Assert.Equal(2, again.GetProperty("attempts").GetInt32());
        var left = await deadLetters.ListAsync(CancellationToken.None);
        Assert.Equal(["not a job id!"], left.Select(l => l.Body));
        Assert.Null(left[0].Status);
    }

    [Fact]
    public async Task Jobs_queued_while_RabbitMQ_is_down_are_delayed_but_none_is_lost_or_run_twice()
    {
        using var nodes = new TwoNodes(brokers, aRunsJobs: true, bRunsJobs: false, settings: Paced());
        var running = (await SubmitAsync(nodes.B.Http, TestMedia.AstronautPng, LongSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;
        await WaitForAsync(nodes.B.Http, running, j => j.Status() == "Running", JobTimeout);

        await brokers.Rabbit.StopAsync();
        var down = System.Diagnostics.Stopwatch.StartNew();
        var queued = new List<string>();
        try
        {
            for (int i = 0; i < 3; i++)
                queued.Add((await SubmitAsync(nodes.B.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"), ("seed", i.ToString()))).GetProperty("id").GetString()!);
            await Task.Delay(TimeSpan.FromSeconds(20) - down.Elapsed);
            foreach (var id in queued) Assert.Equal("Queued", (await GetJobAsync(nodes.B.Http, id)).Status()); // delayed: nobody heard of them
        }
        finally { await brokers.Rabbit.StartAsync(); }

        foreach (var id in queued.Prepend(running))
        {
            var job = await WaitForAsync(nodes.B.Http, id, IsFinished, JobTimeout);
            Assert.True(job.Status() == "Succeeded", $"job {id}: {job}");
            Assert.True(job.GetProperty("hasVideo").GetBoolean());
        }
        foreach (var id in queued) Assert.Equal(1, (await GetJobAsync(nodes.B.Http, id)).GetProperty("attempts").GetInt32());
        Assert.InRange((await GetJobAsync(nodes.B.Http, running)).GetProperty("attempts").GetInt32(), 1, 2);
        await Task.Delay(1500); // let any duplicate message be consumed: it must not start a job again
        foreach (var id in queued.Prepend(running)) Assert.Equal("Succeeded", (await GetJobAsync(nodes.B.Http, id)).Status());
        Assert.All(queued, id => Assert.Single(nodes.EventsOf("A", id).OfType<JobFinished>()));
    }

    [Fact]
    public async Task A_worker_process_killed_mid_job_loses_its_message_to_the_other_worker_which_finishes_the_job_once()
    {
        var root = Directory.CreateTempSubdirectory("sonicweb-mn-kill-").FullName;
        var prefix = "k" + Guid.NewGuid().ToString("N")[..10];
        var environment = new Dictionary<string, string>
        {
            ["Admin__Email"] = WebTestHost.AdminEmail, ["Admin__Password"] = WebTestHost.AdminPassword, ["Admin__DisplayName"] = WebTestHost.AdminName,
            ["Jobs__PollSeconds"] = "0.5", ["Jobs__ReuseIdenticalOutputs"] = "false",
            ["Queue__Transport"] = "RabbitMq", ["Queue__RabbitMq__Uri"] = brokers.Rabbit.Uri, ["Queue__RabbitMq__Prefix"] = prefix,
            ["Queue__RabbitMq__ReannounceSeconds"] = "1", ["Queue__RabbitMq__ReannounceAfterSeconds"] = "1",
        };
        AppProcess? first = null, second = null;
        try
        {
            // Both start before any job: a starting node cleans up what a crash left, and must not meet a running job.
            first = await AppProcess.StartAsync(environment, root);
            second = await AppProcess.StartAsync(environment, root);
            var (http, _) = await SignInAsync(first.BaseAddress, WebTestHost.AdminEmail, WebTestHost.AdminPassword);
            var id = (await SubmitAsync(http, TestMedia.AstronautPng, LongSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;
            await WaitForAsync(http, id, j => j.Status() == "Running" && j.GetProperty("framesDone").GetInt32() > 0, JobTimeout);

            var (runner, survivor) = first.Output.Contains($"Job {id} started") ? (first, second) : (second, first);
            Assert.Contains($"Job {id} started", runner.Output);
            await runner.CrashAsync(); // SIGKILL: no goodbye to the broker; the socket closes and the message goes back
            var (survivorHttp, _) = await SignInAsync(survivor.BaseAddress, WebTestHost.AdminEmail, WebTestHost.AdminPassword);

            var job = await WaitForAsync(survivorHttp, id, IsFinished, JobTimeout);
            Assert.True(job.Status() == "Succeeded", $"{job}\n{survivor.Output}");
            Assert.Equal(2, job.GetProperty("attempts").GetInt32());
            Assert.Contains($"Job {id} was running on a worker that is gone", survivor.Output);
            var video = Path.Combine(root, "kill-test.mp4");
            await File.WriteAllBytesAsync(video, await survivorHttp.GetByteArrayAsync($"/api/jobs/{id}/video"));
            var (width, _, duration, codecs) = Probe(video);
            Assert.Equal(256, width);
            Assert.InRange(duration, job.GetProperty("audioSeconds").GetDouble() - 0.2, job.GetProperty("audioSeconds").GetDouble() + 0.2);
            Assert.Equal("h264,aac", codecs);
            await Task.Delay(1500); // a duplicate delivery now must not start it again
            Assert.Equal(2, (await GetJobAsync(survivorHttp, id)).GetProperty("attempts").GetInt32());
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(survivor.Output, $"Job {id} succeeded"));
        }
        finally
        {
            if (second is not null) await second.DisposeAsync();
            if (first is not null) await first.DisposeAsync();
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private Dictionary<string, string> NodeSettings(TwoNodes nodes, Dictionary<string, string> extra) => new(extra)
    {
        ["Queue:Transport"] = "RabbitMq", ["Queue:RabbitMq:Uri"] = brokers.Rabbit.Uri, ["Queue:RabbitMq:Prefix"] = nodes.Prefix,
        ["Queue:RabbitMq:ReannounceSeconds"] = "1", ["Queue:RabbitMq:ReannounceAfterSeconds"] = "1", ["Jobs:ReuseIdenticalOutputs"] = "false",
    };

    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("the condition did not hold within 30 s");
            await Task.Delay(100);
        }
    }
}
