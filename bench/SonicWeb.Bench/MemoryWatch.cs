using System.Globalization;

namespace SonicWeb.Bench;

/// <summary>Peak memory figures of one case, in MB (1 MB = 2^20 bytes).</summary>
/// <param name="DotnetPeakMb">Peak resident memory (VmHWM) of the .NET process itself: managed heap, ONNX Runtime, models, frame buffers.</param>
/// <param name="FfmpegPeakMb">Peak resident memory (VmHWM) of its largest ffmpeg child (the x264 encoder when there is one).</param>
/// <param name="CombinedPeakMb">Largest sum of the resident memory of the process and all its children at one 50 ms sample.</param>
public sealed record MemoryPeaks(double DotnetPeakMb, double FfmpegPeakMb, double CombinedPeakMb);

/// <summary>
/// Samples this process and its child processes through /proc every 50 ms. Each process's own peak
/// (VmHWM) is kept by the kernel, so a child's peak is exact up to the last 50 ms before it exits; the
/// sum of the processes' resident memory at one moment is recorded nowhere, so that one is sampled and
/// can miss short spikes. (getrusage's peak of children is no good here: .NET starts children with
/// vfork, so a child's recorded peak starts at the parent's resident size.) Children are found through
/// /proc/self/task/*/children: a few file reads, not a scan of every process.
/// </summary>
public sealed class MemoryWatch : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _stop = new();
    private readonly object _gate = new();
    private long _combinedPeakKb, _ffmpegPeakKb;

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
        var self = ReadStatus("/proc/self/status");
        lock (_gate)
            return new MemoryPeaks(Mb(self.HwmKb), Mb(_ffmpegPeakKb), Mb(_combinedPeakKb));
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
        long total = ReadStatus("/proc/self/status").RssKb, ffmpeg = 0;
        foreach (var pid in ChildPids())
        {
            var child = ReadStatus($"/proc/{pid}/status");
            total += child.RssKb;
            if (child.Name == "ffmpeg") ffmpeg = Math.Max(ffmpeg, child.HwmKb);
        }
        lock (_gate)
        {
            _combinedPeakKb = Math.Max(_combinedPeakKb, total);
            _ffmpegPeakKb = Math.Max(_ffmpegPeakKb, ffmpeg);
        }
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

    private readonly record struct ProcessStatus(string Name, long HwmKb, long RssKb);

    /// <summary>Name, VmHWM and VmRSS from a /proc status file; zeros when the process is gone.</summary>
    private static ProcessStatus ReadStatus(string path)
    {
        string name = "";
        long hwm = 0, rss = 0;
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.StartsWith("Name:", StringComparison.Ordinal)) name = line[5..].Trim();
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) hwm = Kilobytes(line);
                else if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kilobytes(line);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return new ProcessStatus(name, hwm, rss);
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    private static double Mb(long kb) => Math.Round(kb / 1024.0, 1);
}
