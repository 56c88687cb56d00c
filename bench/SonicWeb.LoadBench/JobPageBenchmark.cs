using System.Diagnostics;
using System.Net;
using Microsoft.Playwright;

namespace SonicWeb.LoadBench;

/// <summary>
/// (f) Open job pages watching a running job, measured in the browser: each page's progress panel carries the server
/// time of the progress event it shows (data-progress-sent, from JobProgressMessage.SentAt); a MutationObserver in every
/// tab notes Date.now() minus that time whenever it changes, i.e. event published -> pushed through the circuit -> DOM
/// updated (same machine, same clock). The panel also carries the server time it was rendered at (data-progress-rendered),
/// which splits each latency into event -> server render (publish, the circuit's dispatcher, the 100 ms coalescing, waiting
/// for the browser's acknowledgements) and server render -> DOM (diff, serialization, the WebSocket, the tab applying it).
/// CPU per party during the job comes from /proc (<see cref="CpuSnapshot"/>). The job is submitted with preview_first, so
/// every page is open before it renders. Baseline in the same run: one page watching an identical job. Memory per
/// job-page circuit as in (e).
/// </summary>
public static class JobPageBenchmark
{
    public const double TargetP99Ms = 250;

    /// <summary>Runs in every tab before the page's own scripts: collects latencies into window.sonicLatencies.</summary>
    private const string LatencyRecorder = """
        window.sonicLatencies = [];
        new MutationObserver(records => {
            const now = Date.now();
            for (const r of records) {
                const sent = Number(r.target.getAttribute('data-progress-sent'));
                const rendered = Number(r.target.getAttribute('data-progress-rendered'));
                if (sent > 0) window.sonicLatencies.push([now - sent, rendered > 0 ? rendered - sent : -1, rendered > 0 ? now - rendered : -1]);
            }
        }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-progress-sent'] });
        """;

    public static async Task RunAsync(AppUnderTest app, BenchApi api, string imagePath, string audioPath, int pages, int resolution)
    {
        var image = await File.ReadAllBytesAsync(imagePath);
        var audio = await File.ReadAllBytesAsync(audioPath);
        await using var browser = await BrowserSession.StartAsync(app.BaseAddress, api.Cookies);
        await browser.Context.AddInitScriptAsync(LatencyRecorder);
        Console.WriteLine($"(f) job pages: chromium tabs on /jobs/{{id}} watching one running job at {resolution} px; latency = progress event's " +
            "SentAt -> the page's DOM showing it (MutationObserver in the tab)");

        // Baseline: one page.
        var (baseline, baselineSeconds, _) = await WatchAsync(app, api, browser, image, audio, 1, resolution, measureMemory: false);
        Console.WriteLine($"    baseline, 1 page:  {Stats.Summary(baseline.Total)} (job ran {baselineSeconds:0.0} s)");
        baseline.PrintSplit();

        var (watched, seconds, perCircuit) = await WatchAsync(app, api, browser, image, audio, pages, resolution, measureMemory: true);
        var latencies = watched.Total;
        Console.WriteLine($"    {pages} pages:         {Stats.Summary(latencies)} (job ran {seconds:0.0} s)");
        watched.PrintSplit();
        double p99 = Stats.Percentile(latencies, 99), baseP99 = Stats.Percentile(baseline.Total, 99);
        Console.WriteLine($"    p99 {pages} pages / 1 page: {p99 / baseP99:0.00}x; target p99 < {TargetP99Ms:0} ms: {(p99 < TargetP99Ms ? "MET" : "NOT MET")}");
        if (perCircuit is { } m)
            Console.WriteLine($"    memory per job-page circuit: working set {m.WorkingSetMb:0.00} MB, GC heap {m.GcHeapMb:0.00} MB " +
                $"(target < {CircuitMemoryBenchmark.TargetMbPerCircuit} MB: {(m.WorkingSetMb < CircuitMemoryBenchmark.TargetMbPerCircuit ? "MET" : "NOT MET")})");
        Console.WriteLine("    (figures from a machine shared with other engineers' builds and tests: compare the ratio, not the absolute times)");
    }

    /// <summary>Each progress shown: event -> DOM, and its two parts, event -> server render and server render -> DOM.</summary>
    private sealed record Latencies(List<double> Total, List<double> ToRender, List<double> RenderToDom)
    {
        public void Add(double[] one)
        {
            Total.Add(one[0]);
            if (one[1] >= 0) { ToRender.Add(one[1]); RenderToDom.Add(one[2]); }
        }

        public void PrintSplit()
        {
            Console.WriteLine($"      event -> server render: {Stats.Summary(ToRender)}");
            Console.WriteLine($"      server render -> DOM:   {Stats.Summary(RenderToDom)}");
        }
    }

    private static async Task<(Latencies Latencies, double JobSeconds, (double WorkingSetMb, double GcHeapMb)? PerCircuit)> WatchAsync(
        AppUnderTest app, BenchApi api, BrowserSession browser, byte[] image, byte[] audio, int count, int resolution, bool measureMemory)
    {
        var submitted = await api.SubmitAsync(BenchApi.Form(image, audio, "portrait.png", "voice.wav",
            ("min_resolution", resolution.ToString()), ("seed", "5"), ("preview_first", "true"), ("name", $"job page bench {count}")));
        if (submitted.Status != HttpStatusCode.Accepted) throw new InvalidOperationException($"job page bench: {(int)submitted.Status} {submitted.Body}");
        var id = submitted.Job!.Value.GetProperty("id").GetString()!;
        await WaitForStatusAsync(api, id, "AwaitingConfirmation", TimeSpan.FromMinutes(2));

        MemorySample? before = measureMemory ? await CircuitMemoryBenchmark.SettledAsync(app, api) : null;
        var clock = Stopwatch.StartNew();
        var tabs = new List<IPage>();
        for (int i = 0; i < count; i++) tabs.Add(await browser.OpenAsync($"/jobs/{id}"));
        if (count > 1) Console.WriteLine($"    {count} job pages connected in {clock.Elapsed.TotalSeconds:0.0} s");
        (double, double)? perCircuit = null;
        if (before is { } b)
        {
            var after = await CircuitMemoryBenchmark.SettledAsync(app, api);
            perCircuit = ((after.WorkingSetMb - b.WorkingSetMb) / count, (after.GcHeapMb - b.GcHeapMb) / count);
            Console.WriteLine($"    memory before {b.WorkingSetMb:0.0} MB working set / {b.GcHeapMb:0.0} MB GC heap, after {after.WorkingSetMb:0.0} / {after.GcHeapMb:0.0} MB");
        }

        // What the open pages cost while nothing changes (the job waits for confirmation): a page that animates
        // something forever (a spinner, a striped bar) shows here, apart from the cost of the updates.
        var idleBefore = CpuSnapshot.Take(Environment.ProcessId, app.ProcessId);
        await Task.Delay(3000);
        var idleAfter = CpuSnapshot.Take(Environment.ProcessId, app.ProcessId);
        var animations = await tabs[0].EvaluateAsync<string[]>(
            "() => document.getAnimations().map(a => (a.animationName ?? a.transitionProperty ?? 'animation') + ' on ' + (a.effect?.target?.className ?? '?'))");
        Console.WriteLine($"    idle pages: chromium {(idleAfter.Chromium - idleBefore.Chromium) / (idleAfter.Taken - idleBefore.Taken).TotalSeconds:0.00} cores; " +
            $"animations running in a page: {(animations.Length == 0 ? "none" : string.Join(", ", animations))}");

        var cpuBefore = CpuSnapshot.Take(Environment.ProcessId, app.ProcessId);
        var run = Stopwatch.StartNew();
        await api.PostAsync($"/api/jobs/{id}/confirm");
        var status = await api.WaitFinishedAsync(id, TimeSpan.FromMinutes(10));
        var seconds = run.Elapsed.TotalSeconds;
        if (status != "Succeeded") Console.WriteLine($"    (the job ended {status})");
        await Task.Delay(1000); // the last renders reach the tabs
        var cpuAfter = CpuSnapshot.Take(Environment.ProcessId, app.ProcessId);

        var latencies = new Latencies([], [], []);
        var perPage = new List<int>();
        foreach (var tab in tabs)
        {
            var mine = await tab.EvaluateAsync<double[][]>("() => window.sonicLatencies");
            foreach (var one in mine) latencies.Add(one);
            perPage.Add(mine.Length);
            await tab.CloseAsync();
        }
        Console.WriteLine($"    progress renders seen per page: min {perPage.Min()} max {perPage.Max()}");
        Console.WriteLine($"    {count} page(s), {CpuSnapshot.Report(cpuBefore, cpuAfter)}");
        Console.WriteLine($"    chromium CPU per progress update shown in a tab: {1000 * (cpuAfter.Chromium - cpuBefore.Chromium) / Math.Max(1, perPage.Sum()):0.0} ms");
        await api.CancelAndDeleteAsync([id]);
        return (latencies, seconds, perCircuit);
    }

    private static async Task WaitForStatusAsync(BenchApi api, string id, string wanted, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var status = (await api.GetJobAsync(id)).GetProperty("status").GetString();
            if (status == wanted) return;
            if (status is "Failed" or "Cancelled" || DateTime.UtcNow > until)
                throw new InvalidOperationException($"job {id} is {status}, not {wanted}");
            await Task.Delay(200);
        }
    }
}
