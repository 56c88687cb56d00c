using Microsoft.Playwright;

namespace SonicWeb.LoadBench;

/// <summary>
/// (e) Server memory per open circuit: N chromium tabs each open an interactive page (the account settings: the
/// MudBlazor layout, a table, a form) and stay connected; the app's working set and GC heap from /health before and
/// after, divided by N. The GC heap is read after the app's own collections settle (three samples, 2 s apart, the
/// lowest: a collection may or may not have run just before a sample).
/// </summary>
public static class CircuitMemoryBenchmark
{
    public const int TargetMbPerCircuit = 8;

    public static async Task RunAsync(AppUnderTest app, BenchApi api, int circuits, string path = "/account/settings")
    {
        await using var browser = await BrowserSession.StartAsync(app.BaseAddress, api.Cookies);
        var warm = await browser.OpenAsync(path); // the first circuit pays for JIT and caches: not counted
        await warm.CloseAsync();
        await Task.Delay(2000);
        var before = await SettledAsync(app, api);
        Console.WriteLine($"(e) memory per circuit: {circuits} chromium tabs on {path}, each with its own circuit");
        Console.WriteLine($"    before: working set {before.WorkingSetMb:0.0} MB, GC heap {before.GcHeapMb:0.0} MB");

        var pages = new List<IPage>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < circuits; i++) pages.Add(await browser.OpenAsync(path));
        Console.WriteLine($"    {circuits} circuits connected in {clock.Elapsed.TotalSeconds:0.0} s");
        var after = await SettledAsync(app, api);
        double perCircuitWs = (after.WorkingSetMb - before.WorkingSetMb) / circuits;
        double perCircuitHeap = (after.GcHeapMb - before.GcHeapMb) / circuits;
        Console.WriteLine($"    after:  working set {after.WorkingSetMb:0.0} MB, GC heap {after.GcHeapMb:0.0} MB");
        Console.WriteLine($"    per circuit: working set {perCircuitWs:0.00} MB, GC heap {perCircuitHeap:0.00} MB " +
            $"(target < {TargetMbPerCircuit} MB: {(perCircuitWs < TargetMbPerCircuit ? "MET" : "NOT MET")})");
        foreach (var page in pages) await page.CloseAsync();
    }

    public static async Task<MemorySample> SettledAsync(AppUnderTest app, BenchApi api)
    {
        var samples = new List<MemorySample>();
        for (int i = 0; i < 3; i++)
        {
            await Task.Delay(2000);
            samples.Add(await app.MemoryAsync(api.Http));
        }
        return new MemorySample(samples.Min(s => s.WorkingSetBytes), samples.Min(s => s.GcHeapBytes));
    }
}
