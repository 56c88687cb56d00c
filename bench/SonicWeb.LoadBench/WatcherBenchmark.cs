using System.Diagnostics;
using System.Net;

namespace SonicWeb.LoadBench;

/// <summary>
/// (b) Many job-page watchers on one running job: each is a SignalR connection in the job's group;
/// latency = time received minus the server's sentAt stamp on each progress message (same machine,
/// same clock). The job is submitted with preview_first so every watcher has joined before it renders.
/// </summary>
public static class WatcherBenchmark
{
    public static async Task RunAsync(AppUnderTest app, BenchApi api, string audioPath, string imagePath, int watchers, int resolution)
    {
        var image = await File.ReadAllBytesAsync(imagePath);
        var audio = await File.ReadAllBytesAsync(audioPath);
        var submitted = await api.SubmitAsync(BenchApi.Form(image, audio, "portrait.png", "voice.wav",
            ("min_resolution", resolution.ToString()), ("seed", "5"), ("preview_first", "true")));
        if (submitted.Status != HttpStatusCode.Accepted) throw new InvalidOperationException($"watcher job: {(int)submitted.Status} {submitted.Body}");
        var job = submitted.Job!.Value;
        var id = job.GetProperty("id").GetString()!;
        Console.WriteLine($"(b) watchers: {watchers} SignalR connections (Microsoft.AspNetCore.SignalR.Client, JSON over WebSocket) on one job, " +
            $"{job.GetProperty("framesTotal").GetInt32()} frames at {resolution} px");

        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var connect = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(32); // like browsers arriving together, without a SYN flood
        var list = await Task.WhenAll(Enumerable.Range(0, watchers).Select(async _ =>
        {
            await gate.WaitAsync(cts.Token);
            try { return await HubWatcher.ConnectAsync(api.Cookies, app.BaseAddress, id, cts.Token); }
            finally { gate.Release(); }
        }));
        Console.WriteLine($"    {watchers} connected and joined in {connect.Elapsed.TotalMilliseconds:0} ms");
        await Task.Delay(500); // the Join invocations are answered before the run starts

        var run = Stopwatch.StartNew();
        await api.PostAsync($"/api/jobs/{id}/confirm");
        await Task.WhenAll(list.Select(w => w.Finished)).WaitAsync(cts.Token);
        Console.WriteLine($"    job rendered and all watchers saw the final status in {run.Elapsed.TotalSeconds:0.0} s");

        var all = list.SelectMany(w => w.LatenciesMs).ToList();
        var perWatcher = list.Select(w => w.LatenciesMs.Count).ToList();
        Console.WriteLine($"    progress messages per watcher: min {perWatcher.Min()} max {perWatcher.Max()}; out of order: {list.Sum(w => w.OutOfOrder)}");
        Console.WriteLine($"    delivery latency (sentAt -> received): {Stats.Summary(all)}");
        Console.WriteLine($"    target p99 < 250 ms: {(Stats.Percentile(all, 99) < 250 ? "MET" : "NOT MET")}");
        foreach (var w in list) await w.DisposeAsync();
        await api.CancelAndDeleteAsync([id]);
    }
}
