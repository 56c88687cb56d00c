using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace SonicWeb.LoadBench;

/// <summary>
/// (a) Concurrent clients each POST a ~10 MB photo and a ~10 MB WAV to /api/jobs; latency to 202.
/// A round where every request carries an invalid parameter (answered 400 as soon as the body has been
/// streamed to disk and hashed) separates transfer time from the engine's inspection; the app's log
/// ("checked in N ms") gives the server-side check time of each accepted job.
/// </summary>
public static class UploadBenchmark
{
    public static async Task RunAsync(AppUnderTest app, BenchApi api, string imagePath, string audioPath, int clients, int rounds)
    {
        var image = await File.ReadAllBytesAsync(imagePath);
        var audio = await File.ReadAllBytesAsync(audioPath);
        Console.WriteLine($"(a) uploads: {clients} concurrent clients x {rounds} round(s); photo {image.Length / 1048576.0:0.0} MB ({Path.GetFileName(imagePath)}), " +
            $"audio {audio.Length / 1048576.0:0.0} MB WAV; min_resolution 256, seed varied so no upload reuses an output");
        var jobIds = new List<string>();
        int seed = 1000;

        // Warm-up (JIT, first model use); not counted.
        var warm = await api.SubmitAsync(BenchApi.Form(image, audio, "portrait.png", "voice.wav", ("min_resolution", "256"), ("seed", (seed++).ToString())));
        if (warm.Status != HttpStatusCode.Accepted) throw new InvalidOperationException($"warm-up upload: {(int)warm.Status} {warm.Body}");
        await api.CancelAndDeleteAsync([warm.Job!.Value.GetProperty("id").GetString()!]);

        var single = new List<double>();
        for (int i = 0; i < 3; i++)
            single.AddRange(await RoundAsync(1, _ => api.SubmitAsync(BenchApi.Form(image, audio, "portrait.png", "voice.wav",
                ("min_resolution", "256"), ("seed", Interlocked.Increment(ref seed).ToString()))), HttpStatusCode.Accepted, jobIds));
        await api.CancelAndDeleteAsync(jobIds);
        jobIds.Clear();
        Console.WriteLine($"    one client alone, for reference (3 uploads in a row): {Stats.Summary(single)}");

        var transfer = await RoundAsync(clients, _ => api.SubmitAsync(BenchApi.Form(image, audio, "portrait.png", "voice.wav", ("min_resolution", "1"))),
            HttpStatusCode.BadRequest, jobIds);
        Console.WriteLine($"    transfer only (same bodies, answered 400 after streaming + hashing): {Stats.Summary(transfer)}");

        var accepted = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            var latencies = await RoundAsync(clients, _ => api.SubmitAsync(BenchApi.Form(image, audio, "portrait.png", "voice.wav",
                ("min_resolution", "256"), ("seed", Interlocked.Increment(ref seed).ToString()))), HttpStatusCode.Accepted, jobIds);
            accepted.AddRange(latencies);
            Console.WriteLine($"    round {round + 1}: {Stats.Summary(latencies)}");
            await api.CancelAndDeleteAsync(jobIds); // keep the worker idle between rounds
            jobIds.Clear();
        }
        Console.WriteLine($"    latency to 202, all rounds: {Stats.Summary(accepted)}");
        await Task.Delay(500); // the app's log writer runs in the background
        var checks = ServerCheckTimes(app.DataRoot, skip: 4); // the warm-up and the single-client uploads
        if (checks.Count > 0)
            Console.WriteLine($"    server-side check after the body was read (inspection: decode + face): {Stats.Summary(checks)}");
        Console.WriteLine($"    target p99 < 1000 ms: {(Stats.Percentile(accepted, 99) < 1000 ? "MET" : "NOT MET")}");
        await api.CancelAndDeleteAsync(jobIds);
    }

    /// <summary>All clients start together; returns each request's latency in ms.</summary>
    private static async Task<List<double>> RoundAsync(int clients, Func<int, Task<(HttpStatusCode Status, JsonElement? Job, string Body)>> send,
        HttpStatusCode expected, List<string> jobIds)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, clients).Select(async i =>
        {
            await start.Task;
            var clock = Stopwatch.StartNew();
            var result = await send(i).ConfigureAwait(false);
            double ms = clock.Elapsed.TotalMilliseconds;
            if (result.Status != expected) throw new InvalidOperationException($"upload answered {(int)result.Status}, expected {(int)expected}: {result.Body}");
            if (result.Job is { } job) lock (jobIds) jobIds.Add(job.GetProperty("id").GetString()!);
            return ms;
        }).ToList();
        start.SetResult();
        return (await Task.WhenAll(tasks)).ToList();
    }

    /// <summary>"checked in N ms" of every accepted upload, from the app's JSON log.</summary>
    private static List<double> ServerCheckTimes(string dataRoot, int skip)
    {
        var result = new List<double>();
        var logs = Path.Combine(dataRoot, "logs");
        if (!Directory.Exists(logs)) return result;
        foreach (var file in Directory.GetFiles(logs, "*.jsonl"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (!line.Contains("\"CheckMs\"")) continue;
                using var doc = JsonDocument.Parse(line);
                result.Add(doc.RootElement.GetProperty("CheckMs").GetDouble());
            }
        }
        return result.Skip(skip).ToList();
    }
}
