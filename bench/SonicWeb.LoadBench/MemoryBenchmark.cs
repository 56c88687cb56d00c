using System.Globalization;
using System.Net;
using System.Text;

namespace SonicWeb.LoadBench;

/// <summary>
/// (c) The app's memory across many short jobs, one after another: after each job finishes, the
/// working set and the GC heap (size after the last collection) as the app reports them on /health.
/// Seeds differ, so no job reuses another's output.
/// </summary>
public static class MemoryBenchmark
{
    public static async Task RunAsync(AppUnderTest app, BenchApi api, string imagePath, string audioPath, int jobs)
    {
        var image = await File.ReadAllBytesAsync(imagePath);
        var audio = await File.ReadAllBytesAsync(audioPath);
        Console.WriteLine($"(c) memory: {jobs} jobs in a row ({Path.GetFileName(audioPath)}, min_resolution 256); sampled after each");
        var before = await app.MemoryAsync(api.Http);
        var workingSet = new List<double>();
        var heap = new List<double>();
        var failed = 0;
        for (int i = 0; i < jobs; i++)
        {
            var submitted = await api.SubmitAsync(BenchApi.Form(image, audio, "portrait.png", "short.wav", ("min_resolution", "256"), ("seed", (20000 + i).ToString())));
            if (submitted.Status != HttpStatusCode.Accepted) throw new InvalidOperationException($"job {i}: {(int)submitted.Status} {submitted.Body}");
            var status = await api.WaitFinishedAsync(submitted.Job!.Value.GetProperty("id").GetString()!, TimeSpan.FromSeconds(60));
            if (status != "Succeeded") failed++;
            var sample = await app.MemoryAsync(api.Http);
            workingSet.Add(sample.WorkingSetMb);
            heap.Add(sample.GcHeapMb);
        }
        Console.WriteLine($"    before: working set {before.WorkingSetMb:0.0} MB, GC heap {before.GcHeapMb:0.0} MB; jobs not succeeded: {failed}");
        Print("working set MB", workingSet);
        Print("GC heap MB", heap);
        // The first jobs warm up (JIT, pools, SQLite cache): the trend is judged on the rest.
        int warmUp = Math.Min(10, jobs / 5);
        double growth = Stats.Slope(workingSet.Skip(warmUp).ToList()) * 100;
        double heapGrowth = Stats.Slope(heap.Skip(warmUp).ToList()) * 100;
        Console.WriteLine($"    trend after the first {warmUp} jobs: working set {growth:+0.0;-0.0} MB per 100 jobs, GC heap {heapGrowth:+0.0;-0.0} MB per 100 jobs");
        Console.WriteLine($"    target flat (|working-set trend| < 20 MB per 100 jobs): {(Math.Abs(growth) < 20 ? "MET" : "NOT MET")}");
    }

    private static void Print(string name, List<double> series)
    {
        Console.WriteLine($"    {name} after each job:");
        for (int i = 0; i < series.Count; i += 10)
        {
            var row = string.Join(" ", series.Skip(i).Take(10).Select(v => v.ToString("0.0", CultureInfo.InvariantCulture).PadLeft(6)));
            Console.WriteLine($"      {i + 1,3}-{Math.Min(i + 10, series.Count),3}: {row}");
        }
        int k = Math.Min(10, series.Count);
        Console.WriteLine($"      min {series.Min():0.0} max {series.Max():0.0} slope {Stats.Slope(series):+0.000;-0.000} MB/job; " +
            $"mean of first {k} {series.Take(k).Average():0.0}, of last {k} {series.TakeLast(k).Average():0.0}");
    }
}
