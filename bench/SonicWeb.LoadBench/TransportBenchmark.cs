using System.Diagnostics;
using System.Text.Json;

namespace SonicWeb.LoadBench;

/// <summary>
/// (g) The job transport (issue 14): queue-to-start latency and progress relay latency, p50/p99, for the
/// single process (Queue:Transport=InProcess) and for two nodes sharing a database, a storage root and a
/// RabbitMQ broker (Queue:Transport=RabbitMq).
/// <list type="bullet">
/// <item>queue-to-start: a job waits for confirmation (preview_first), nothing else runs; from the moment
/// the confirm request is sent until the row says the worker claimed it (StartedAt; same machine's clock).
/// That includes the confirm request itself, the announcement and the claim.</item>
/// <item>progress relay: the worker's progress event (its sentAt stamp) to a hub client. With two nodes,
/// a watcher on each node; the job runs on either, so per job the watcher with the larger median is the one
/// on the other node: its figures are the relayed ones (worker -> RabbitMQ -> other node -> hub).</item>
/// </list>
/// </summary>
public static class TransportBenchmark
{
    public static async Task RunAsync(string appDll, string work, string image, string audio, int jobs, string? rabbitUri, IReadOnlyDictionary<string, string> environment)
    {
        Console.WriteLine($"(h) transport: {jobs} jobs one at a time, 256 px; queue-to-start and progress relay");
        var single = Path.Combine(work, "transport-inprocess");
        await using (var app = await AppUnderTest.StartAsync(appDll, single, environment))
        {
            var (http, cookies) = await app.SignInAsync();
            using var _ = http;
            await MeasureAsync("InProcess, one node", new BenchApi(http, cookies), [(app, cookies)], image, audio, jobs);
        }
        if (rabbitUri is null)
        {
            Console.WriteLine("    RabbitMq: skipped (pass --rabbitmq-uri amqp://guest:guest@127.0.0.1:5672/ to a broker of your own)");
            return;
        }
        var shared = Path.Combine(work, "transport-rabbitmq");
        var nodeEnvironment = new Dictionary<string, string>(environment)
        {
            ["Queue__Transport"] = "RabbitMq", ["Queue__RabbitMq__Uri"] = rabbitUri, ["Queue__RabbitMq__Prefix"] = "bench" + Guid.NewGuid().ToString("N")[..8],
        };
        await using var a = await AppUnderTest.StartAsync(appDll, shared, nodeEnvironment);
        await using var b = await AppUnderTest.StartAsync(appDll, shared, nodeEnvironment);
        var (httpA, cookiesA) = await a.SignInAsync();
        var (httpB, cookiesB) = await b.SignInAsync();
        using (httpA)
        using (httpB)
            await MeasureAsync("RabbitMq, two nodes", new BenchApi(httpA, cookiesA), [(a, cookiesA), (b, cookiesB)], image, audio, jobs);
    }

    private static async Task MeasureAsync(string label, BenchApi api, (AppUnderTest App, System.Net.CookieContainer Cookies)[] watchOn, string image, string audio, int jobs)
    {
        var queueToStart = new List<double>();
        var relayed = new List<double>();
        var imageBytes = await File.ReadAllBytesAsync(image);
        var audioBytes = await File.ReadAllBytesAsync(audio);
        for (int i = 0; i < jobs; i++)
        {
            var (status, job, body) = await api.SubmitAsync(BenchApi.Form(imageBytes, audioBytes, "face.png", "voice.wav",
                ("min_resolution", "256"), ("preview_first", "true"), ("seed", i.ToString())));
            if (job is null) throw new InvalidOperationException($"submit: {(int)status} {body}");
            var id = job.Value.GetProperty("id").GetString()!;
            while ((await api.GetJobAsync(id)).GetProperty("status").GetString() != "AwaitingConfirmation") await Task.Delay(50);
            var watchers = new List<HubWatcher>();
            foreach (var (app, cookies) in watchOn) watchers.Add(await HubWatcher.ConnectAsync(cookies, app.BaseAddress, id, CancellationToken.None));
            try
            {
                var confirmSent = DateTime.UtcNow;
                await api.PostAsync($"/api/jobs/{id}/confirm");
                await Task.WhenAll(watchers.Select(w => w.Finished)).WaitAsync(TimeSpan.FromSeconds(120));
                var final = await api.GetJobAsync(id);
                var startedAt = DateTime.SpecifyKind(final.GetProperty("startedAt").GetDateTime(), DateTimeKind.Utc);
                queueToStart.Add((startedAt - confirmSent).TotalMilliseconds);
                relayed.AddRange(watchers.MaxBy(w => w.LatenciesMs.Count == 0 ? 0 : Stats.Percentile(w.LatenciesMs, 50))!.LatenciesMs);
            }
            finally { foreach (var w in watchers) await w.DisposeAsync(); }
        }
        Console.WriteLine($"    {label}: queue-to-start {Stats.Summary(queueToStart)}");
        Console.WriteLine($"    {label}: progress {(watchOn.Length > 1 ? "relayed to the other node's hub client" : "to a hub client")} {Stats.Summary(relayed)}");
    }
}
