using System.Globalization;

namespace SonicWeb.Bench;

/// <summary>Peak memory figures of one case, in MB (1 MB = 2^20 bytes).</summary>
/// <param name="DotnetPeakMb">Peak resident memory (VmHWM) of the .NET process itself: managed heap, ONNX Runtime, models, frame buffers.</param>
/// <param name="FfmpegPeakMb">Peak resident memory of its largest ffmpeg child (the x264 encoder when there is one), exact (getrusage).</param>
/// <param name="CombinedPeakMb">Largest sum of the resident memory of the process and all its children at one 50 ms sample.</param>
public sealed record MemoryPeaks(double DotnetPeakMb, double FfmpegPeakMb, double CombinedPeakMb);

/// <summary>
/// Samples the resident memory of this process plus its child processes every 50 ms, for the peak of
/// the two together (each process's own peak is exact from the kernel, see <see cref="ResourceUsage"/>;
/// their simultaneous sum is not recorded anywhere, so it is sampled and can miss short spikes).
/// Children are found through /proc/self/task/*/children: a few file reads, not a scan of every process.
/// </summary>
public sealed class MemoryWatch : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _stop = new();
    private readonly object _gate = new();
    private long _combinedPeakKb;

    public MemoryWatch()
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = "memory watch", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    /// <summary>Takes one more sample, stops the watcher and returns the peaks.</summary>
    public MemoryPeaks Finish()
    {
        _stop.Set();
        _thread.Join();
        Sample();
        long combined;
        lock (_gate) combined = _combinedPeakKb;
        return new MemoryPeaks(ResourceUsage.OfSelf().PeakMb, ResourceUsage.OfFinishedChildren().PeakMb, Math.Round(combined / 1024.0, 1));
    }

    public void Dispose()
    {
        _stop.Set();
        if (_thread.IsAlive) _thread.Join();
        _stop.Dispose();
    }

    private void Loop()
    {
        while (!_stop.Wait(Interval)) Sample();
    }

    private void Sample()
    {
        long total = ResidentKilobytes("/proc/self/status");
        foreach (var pid in ChildPids()) total += ResidentKilobytes($"/proc/{pid}/status");
        lock (_gate) _combinedPeakKb = Math.Max(_combinedPeakKb, total);
    }

    private static IEnumerable<string> ChildPids()
    {
        string[] tasks;
        try { tasks = Directory.GetDirectories("/proc/self/task"); }
        catch (IOException) { yield break; }
        foreach (var task in tasks)
        {
            string text;
            try { text = File.ReadAllText(Path.Combine(task, "children")); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; } // thread ended
            foreach (var pid in text.Split(' ', StringSplitOptions.RemoveEmptyEntries)) yield return pid;
        }
    }

    /// <summary>VmRSS from a /proc status file; 0 when the process is gone.</summary>
    private static long ResidentKilobytes(string path)
    {
        try
        {
            foreach (var line in File.ReadLines(path))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return 0;
    }
}
