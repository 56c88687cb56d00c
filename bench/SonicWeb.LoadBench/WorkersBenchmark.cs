using System.Text.Json;
using SonicWeb.Tests.TestSupport;

namespace SonicWeb.LoadBench;

/// <summary>
/// (i) Jobs per minute with one and with two worker processes on this machine (issue 14), against the
/// single process as the baseline, all in one run: the same batch of jobs, submitted at once, on
/// <list type="number">
/// <item>one process, Node:Role=all, SQLite, in-process queue (the installation README starts with);</item>
/// <item>a web node (Node:Role=web) and one worker process (Node:Role=worker) on a throwaway PostgreSQL and
/// RabbitMQ on loopback (the test suite's starters, linked as source);</item>
/// <item>the same web node with a second worker process added.</item>
/// </list>
/// Per set-up: jobs per minute (batch size over the time from the first submit to the last job's end), the mean
/// run time of a job (started to finished on its worker) and from submit to finish, the CPU each process used
/// (with its ffmpeg children) and the machine's CPU utilisation, which says what limits the figure.
/// </summary>
public static class WorkersBenchmark
{
    private static readonly TimeSpan BatchLimit = TimeSpan.FromMinutes(30);

    public static async Task RunAsync(string appDll, string work, string image, string audio, double audioSeconds, int jobs, int resolution,
        IReadOnlyDictionary<string, string> environment)
    {
        Console.WriteLine($"(i) workers: a batch of {jobs} jobs submitted at once ({resolution} px, {audioSeconds:0.#} s of audio, built-in engine), " +
                          $"{Environment.ProcessorCount} cores");
        // The whole batch is submitted in one go: the per-user submit limit is for people, not for this.
        var common = new Dictionary<string, string>(environment)
        {
            ["RateLimits__SubmitPerUser"] = "100000", ["RateLimits__SubmitPerIp"] = "100000",
            ["RateLimits__ApiPerUser"] = "1000000", ["RateLimits__ApiPerIp"] = "1000000",
        };
        var batch = new Batch(await File.ReadAllBytesAsync(image), await File.ReadAllBytesAsync(audio), jobs, resolution);
        var results = new List<BatchResult>();

        await using (var single = await AppUnderTest.StartAsync(appDll, Path.Combine(work, "workers-single"), common))
        {
            var (http, cookies) = await single.SignInAsync();
            using var _ = http;
            results.Add(await RunBatchAsync("one process (role all, SQLite)", new BenchApi(http, cookies), single, [single], batch, round: 0));
        }

        Console.WriteLine("    starting PostgreSQL and RabbitMQ on loopback ...");
        await using var postgres = await PostgresServer.StartAsync();
        await using var rabbit = await RabbitMqServer.StartNewAsync();
        var cluster = new Dictionary<string, string>(common)
        {
            ["Database__Provider"] = "Postgres", ["ConnectionStrings__Postgres"] = postgres.ConnectionString("sonicweb_bench"),
            ["Queue__Transport"] = "RabbitMq", ["Queue__RabbitMq__Uri"] = rabbit.Uri,
        };
        var sharedRoot = Path.Combine(work, "workers-cluster");
        await using var web = await AppUnderTest.StartAsync(appDll, sharedRoot, Role(cluster, "web", "web-1"));
        var (webHttp, webCookies) = await web.SignInAsync();
        using var __ = webHttp;
        var api = new BenchApi(webHttp, webCookies);
        await using var first = await AppUnderTest.StartAsync(appDll, sharedRoot, Role(cluster, "worker", "worker-1"));
        results.Add(await RunBatchAsync("web node + 1 worker (PostgreSQL, RabbitMQ)", api, web, [first], batch, round: 1));
        await using var second = await AppUnderTest.StartAsync(appDll, sharedRoot, Role(cluster, "worker", "worker-2"));
        results.Add(await RunBatchAsync("web node + 2 workers (PostgreSQL, RabbitMQ)", api, web, [first, second], batch, round: 2));

        var (baseline, one, two) = (results[0], results[1], results[2]);
        Console.WriteLine($"    ratios: 1 worker / one process {one.JobsPerMinute / baseline.JobsPerMinute:0.00}; " +
                          $"2 workers / 1 worker {two.JobsPerMinute / one.JobsPerMinute:0.00}; 2 workers / one process {two.JobsPerMinute / baseline.JobsPerMinute:0.00}");
        Console.WriteLine($"    limit: {Limit(one, two)}");
    }

    private static Dictionary<string, string> Role(Dictionary<string, string> cluster, string role, string name) =>
        new(cluster) { ["Node__Role"] = role, ["Node__Name"] = name };

    private sealed record Batch(byte[] Image, byte[] Audio, int Jobs, int Resolution);

    private sealed record BatchResult(double JobsPerMinute, double Utilisation, double MeanRunSeconds);

    private static async Task<BatchResult> RunBatchAsync(string label, BenchApi api, AppUnderTest front, AppUnderTest[] workers, Batch batch, int round)
    {
        var processes = workers.Contains(front) ? workers : [front, .. workers];
        var cpuBefore = processes.Select(p => CpuSamples.ProcessWithChildren(p.ProcessId)).ToArray();
        var machineBefore = CpuSamples.Machine();
        var submittedFrom = DateTime.UtcNow;

        // Every job at once; a different seed per job and round so none reuses an earlier job's video.
        var ids = await Task.WhenAll(Enumerable.Range(0, batch.Jobs).Select(async i =>
        {
            var (status, job, body) = await api.SubmitAsync(BenchApi.Form(batch.Image, batch.Audio, "face.png", "voice.wav",
                ("min_resolution", batch.Resolution.ToString()), ("seed", (round * 1000 + i).ToString())));
            return job?.GetProperty("id").GetString() ?? throw new InvalidOperationException($"submit: {(int)status} {body}");
        }));
        var finished = await WaitAllAsync(api, ids);

        var machine = CpuSamples.Machine().UtilisationSince(machineBefore);
        var cpu = processes.Select((p, i) => (CpuSamples.ProcessWithChildren(p.ProcessId) - cpuBefore[i]).TotalSeconds).ToArray();
        var failed = finished.Where(j => j.GetProperty("status").GetString() != "Succeeded").ToList();
        var lastEnd = finished.Max(j => FinishedAt(j));
        var runSeconds = finished.Select(j => (FinishedAt(j) - Utc(j.GetProperty("startedAt").GetDateTime())).TotalSeconds).ToList();
        var inSystemSeconds = finished.Select(j => (FinishedAt(j) - submittedFrom).TotalSeconds).ToList();
        var wall = lastEnd - submittedFrom;
        double perMinute = batch.Jobs / wall.TotalMinutes;

        Console.WriteLine($"    {label}: {perMinute:0.00} jobs/min ({batch.Jobs} jobs in {wall.TotalSeconds:0.0} s" +
                          (failed.Count > 0 ? $"; {failed.Count} NOT succeeded: {string.Join(", ", failed.Select(j => j.GetProperty("id").GetString() + " " + j.GetProperty("status").GetString()))}" : "") + ")");
        Console.WriteLine($"        mean job run time (started -> finished) {runSeconds.Average():0.0} s; mean submit -> finished {inSystemSeconds.Average():0.0} s");
        var names = processes.Select(p => p == front ? (workers.Contains(front) ? "the process" : "web node") : $"worker {Array.IndexOf(workers, p) + 1}");
        Console.WriteLine("        CPU used: " + string.Join(", ", names.Zip(cpu, (n, s) => $"{n} {s:0.0} s ({s / wall.TotalSeconds * 100:0}% of one core)")) +
                          $"; machine {machine * 100:0}% of {Environment.ProcessorCount} cores busy (every process on it)");
        return new BatchResult(perMinute, machine, runSeconds.Average());
    }

    private static async Task<List<JsonElement>> WaitAllAsync(BenchApi api, IEnumerable<string> ids)
    {
        var until = DateTime.UtcNow + BatchLimit;
        var pending = ids.ToHashSet();
        var done = new List<JsonElement>();
        while (pending.Count > 0)
        {
            foreach (var id in pending.ToList())
            {
                var job = await api.GetJobAsync(id);
                if (job.GetProperty("status").GetString() is "Succeeded" or "Failed" or "Cancelled") { done.Add(job); pending.Remove(id); }
            }
            if (pending.Count == 0) break;
            if (DateTime.UtcNow > until) throw new TimeoutException($"{pending.Count} job(s) not finished after {BatchLimit.TotalMinutes:0} min: {string.Join(", ", pending)}");
            await Task.Delay(250);
        }
        return done;
    }

    private static DateTime FinishedAt(JsonElement job) => Utc(job.GetProperty("finishedAt").GetDateTime());

    private static DateTime Utc(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc);

    /// <summary>What the figures say limits the second worker, from the machine's utilisation (a reading, not a guess at causes).</summary>
    private static string Limit(BatchResult one, BatchResult two)
    {
        double gain = two.JobsPerMinute / one.JobsPerMinute;
        if (one.Utilisation >= 0.85)
            return $"with one worker the cores were already {one.Utilisation * 100:0}% busy: CPU-bound; the second worker shares the same cores " +
                   $"(gain x{gain:0.00}; its jobs each ran {two.MeanRunSeconds / one.MeanRunSeconds:0.00} x as long)";
        return $"with one worker the cores were {one.Utilisation * 100:0}% busy, with two {two.Utilisation * 100:0}%: the second worker used idle CPU " +
               $"(gain x{gain:0.00}); one job does not fill {Environment.ProcessorCount} cores on its own";
    }
}
