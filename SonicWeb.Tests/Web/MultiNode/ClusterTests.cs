using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using SonicWeb.Tests.Browser;
using SonicWeb.Tests.TestSupport;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Web.MultiNode;

/// <summary>
/// The whole multi-node set-up of docs/deploy.md as real processes on loopback: PostgreSQL, RabbitMQ, Redis, two web
/// nodes (Node:Role=web) behind nginx with cookie affinity, and two worker processes (Node:Role=worker), all on one
/// Storage:Root. An operator's browser is sent to one web node, the API client to the other; a worker is SIGKILLed
/// mid-job and RabbitMQ is stopped for 20 s while jobs wait; every job still finishes exactly once with a valid MP4,
/// the browser on the other web node follows the progress of a job that a worker renders, and its page comes back by
/// itself when that web node restarts.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class ClusterTests
{
    private const int ShortJobs = 10;
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Two_web_nodes_behind_nginx_and_two_workers_finish_every_job_once_through_a_worker_crash_and_a_broker_outage()
    {
        var root = Directory.CreateTempSubdirectory("sonicweb-cluster-").FullName;
        var postgres = PostgresServer.Shared();
        var rabbitStart = RabbitMqServer.StartNewAsync();
        var redisStart = RedisServer.StartNewAsync();
        await using var rabbit = await rabbitStart;
        await using var redis = await redisStart;
        var common = new Dictionary<string, string>
        {
            ["Admin__Email"] = WebTestHost.AdminEmail, ["Admin__Password"] = WebTestHost.AdminPassword, ["Admin__DisplayName"] = WebTestHost.AdminName,
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Postgres"] = (await postgres).ConnectionString(PostgresServer.DatabaseFor(root)),
            ["Queue__Transport"] = "RabbitMq", ["Queue__RabbitMq__Uri"] = rabbit.Uri,
            ["Queue__RabbitMq__ReannounceSeconds"] = "2", ["Queue__RabbitMq__ReannounceAfterSeconds"] = "2",
            ["Redis__Configuration"] = redis.Configuration,
            ["Node__HeartbeatSeconds"] = "1", ["Node__StaleAfterSeconds"] = "6", ["Node__DrainSeconds"] = "0",
            ["Jobs__PollSeconds"] = "0.5", ["Jobs__ReuseIdenticalOutputs"] = "false",
        };
        Dictionary<string, string> As(string role, string name) => new(common) { ["Node__Role"] = role, ["Node__Name"] = name };

        var nodes = new List<AppProcess>();
        try
        {
            // The first node creates the schema; the others start on it together.
            var webA = await AppProcess.StartAsync(As("web", "web-a"), root);
            nodes.Add(webA);
            var rest = await Task.WhenAll(
                AppProcess.StartAsync(As("web", "web-b"), root),
                AppProcess.StartAsync(As("worker", "worker-1"), root),
                AppProcess.StartAsync(As("worker", "worker-2"), root));
            nodes.AddRange(rest);
            var (webB, worker1, worker2) = (rest[0], rest[1], rest[2]);
            await using var nginx = await NginxServer.StartAsync([webA.BaseAddress, webB.BaseAddress]);

            // Affinity values that nginx sends to each web node (the node names itself in /health).
            var affinity = await AffinityValuesAsync(nginx.BaseAddress);
            var (api, apiCookies) = await SignInThroughAsync(nginx.BaseAddress, affinity["web-a"]);
            using var _ = api;

            // 1. The browser on web-b watches a job that a worker renders after the API client (on web-a) confirms it.
            var watched = (await SubmitAsync(api, TestMedia.AstronautPng, LongSpeech, ("min_resolution", "256"), ("preview_first", "true"), ("name", "watched"))).GetProperty("id").GetString()!;
            await WaitForAsync(api, watched, j => j.Status() == "AwaitingConfirmation", JobTimeout);
            await using var browser = await BrowserKit.OpenPageAsync(nginx.BaseAddress, 1366, 900);
            var page = browser.Page;
            await page.Context.AddCookiesAsync([new Microsoft.Playwright.Cookie { Name = NginxServer.AffinityCookie, Value = affinity["web-b"], Domain = "127.0.0.1", Path = "/" }]);
            await BrowserKit.SignInAsync(page);
            await page.GotoAsync($"/jobs/{watched}");
            await BrowserKit.WaitForCircuitAsync(page);
            Assert.Equal("web-b", await NodeBehindAsync(nginx.BaseAddress, affinity["web-b"]));
            using (var confirm = await api.PostAsync($"/api/jobs/{watched}/confirm", null)) Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
            // Frames done grows on web-b's page while a worker renders: worker -> RabbitMQ -> web-b -> circuit -> DOM.
            await page.WaitForFunctionAsync("() => Number(document.getElementById('frames-done')?.textContent) > 0", null, new() { Timeout = 120_000 });

            // 2. A worker is SIGKILLed while it renders the watched job; the other takes it over.
            var running = await WaitForAsync(api, watched, j => j.Status() == "Running" && j.GetProperty("framesDone").GetInt32() > 0, JobTimeout);
            var runner = (await RunningJobsAsync(worker1)).Contains(watched) ? worker1 : worker2;
            await runner.CrashAsync();

            // 3. More work arrives, then RabbitMQ is down for 20 s: the jobs wait, none is lost.
            var ids = new List<string>();
            for (int i = 0; i < ShortJobs; i++)
                ids.Add((await SubmitAsync(api, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"), ("name", $"short {i}"))).GetProperty("id").GetString()!);
            await rabbit.StopAsync();
            await Task.Delay(TimeSpan.FromSeconds(20));
            await rabbit.StartAsync();

            // 4. The crashed worker comes back (as an operator's systemd would restart it) and takes its share.
            nodes.Add(await AppProcess.StartAsync(As("worker", runner == worker1 ? "worker-1" : "worker-2"), root));

            // Every job finished exactly once, with a valid MP4, seen through either web node.
            var final = await WaitForAsync(api, watched, IsFinished, JobTimeout);
            Assert.True(final.Status() == "Succeeded", $"{final}\n{runner.Output}");
            Assert.Equal(2, final.GetProperty("attempts").GetInt32()); // the crashed attempt and the one that finished
            foreach (var id in ids)
            {
                var job = await WaitForAsync(api, id, IsFinished, JobTimeout);
                Assert.True(job.Status() == "Succeeded", job.ToString());
                Assert.Equal(1, job.GetProperty("attempts").GetInt32());
            }
            var (viaB, _) = await SignInThroughAsync(nginx.BaseAddress, affinity["web-b"]);
            using (viaB)
            {
                foreach (var id in ids.Prepend(watched))
                {
                    var file = Path.Combine(TestMedia.WorkDir, $"cluster-{id}.mp4");
                    await File.WriteAllBytesAsync(file, await viaB.GetByteArrayAsync($"/api/jobs/{id}/video"));
                    var (width, _, duration, codecs) = Probe(file);
                    Assert.Equal("h264,aac", codecs);
                    Assert.Equal(256, width);
                    Assert.True(duration > 0.5, $"{id}: {duration} s");
                }
                var all = await viaB.GetFromJsonAsync<JsonElement>("/api/jobs?pageSize=50", Json);
                Assert.Equal(ShortJobs + 1, all.GetProperty("total").GetInt32()); // none lost, none duplicated
            }
            // The page on web-b saw the job end without a reload.
            await Assertions.Expect(page.Locator("#status")).ToHaveAttributeAsync("data-status", "Succeeded", new() { Timeout = 60_000 });

            // 5. web-b restarts (a deploy): its page reloads by itself (the circuit died with the process; nginx sends the
            // reconnect to whichever node is up) and shows the job's state again, signed in on the shared cookie keys.
            await page.EvaluateAsync("() => window.__beforeRestart = true");
            int portB = webB.BaseAddress.Port;
            await webB.DisposeAsync();
            nodes.Remove(webB);
            nodes.Add(await AppProcess.StartAsync(As("web", "web-b"), root, portB));
            await page.WaitForFunctionAsync("() => window.__beforeRestart === undefined", null, new() { Timeout = 90_000 });
            await BrowserKit.WaitForCircuitAsync(page);
            Assert.Contains($"/jobs/{watched}", page.Url);
            await Assertions.Expect(page.Locator("#status")).ToHaveAttributeAsync("data-status", "Succeeded");
        }
        finally
        {
            foreach (var node in nodes) await node.DisposeAsync();
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>One affinity cookie value per web node name, found by asking /health through nginx.</summary>
    private static async Task<Dictionary<string, string>> AffinityValuesAsync(Uri balancer)
    {
        var found = new Dictionary<string, string>();
        for (int i = 0; i < 64 && found.Count < 2; i++)
        {
            var value = $"client-{i}";
            found.TryAdd(await NodeBehindAsync(balancer, value), value);
        }
        Assert.Equal(2, found.Count);
        return found;
    }

    private static async Task<string> NodeBehindAsync(Uri balancer, string affinity)
    {
        using var http = new HttpClient { BaseAddress = balancer };
        http.DefaultRequestHeaders.Add("Cookie", $"{NginxServer.AffinityCookie}={affinity}");
        var health = await http.GetFromJsonAsync<JsonElement>("/health");
        return health.GetProperty("checks").GetProperty("worker").GetProperty("data").GetProperty("node").GetString()!;
    }

    /// <summary>Signs in through the balancer with an affinity cookie that sends the client to one web node.</summary>
    private static Task<(HttpClient, CookieContainer)> SignInThroughAsync(Uri balancer, string affinity)
    {
        var cookies = new CookieContainer();
        cookies.Add(balancer, new System.Net.Cookie(NginxServer.AffinityCookie, affinity));
        return SignInAsync(balancer, WebTestHost.AdminEmail, WebTestHost.AdminPassword, cookies);
    }

    private static async Task<string> RunningJobsAsync(AppProcess worker)
    {
        var health = await worker.Http.GetFromJsonAsync<JsonElement>("/health");
        return health.GetProperty("checks").GetProperty("worker").GetProperty("data").GetProperty("runningJobs").ToString();
    }
}
