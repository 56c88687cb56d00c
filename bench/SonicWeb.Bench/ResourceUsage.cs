using System.Runtime.InteropServices;

namespace SonicWeb.Bench;

/// <summary>
/// getrusage(2): CPU time (user + system) and peak resident memory, of this process (all threads) or of
/// its finished children. For children the kernel counts every child that has been waited for (.NET
/// reaps its child processes), and ru_maxrss is the peak of the largest single child, exact.
/// </summary>
public static partial class ResourceUsage
{
    private const int Self = 0, Children = -1;

    public readonly record struct Usage(double CpuSeconds, double PeakMb);

    public static Usage OfSelf() => Read(Self);

    /// <summary>Only children that have exited and been reaped are counted.</summary>
    public static Usage OfFinishedChildren() => Read(Children);

    private static Usage Read(int who)
    {
        if (getrusage(who, out var u) != 0) throw new InvalidOperationException($"getrusage failed: errno {Marshal.GetLastPInvokeError()}");
        double cpu = u.UserSeconds + u.UserMicroseconds / 1e6 + u.SystemSeconds + u.SystemMicroseconds / 1e6;
        return new Usage(cpu, Math.Round(u.MaxRssKilobytes / 1024.0, 1));
    }

    /// <summary>struct rusage on 64-bit Linux: two timevals, then 14 longs (only the first is used).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        public long MaxRssKilobytes;
        private long _ixrss, _idrss, _isrss, _minflt, _majflt, _nswap, _inblock, _oublock, _msgsnd, _msgrcv, _nsignals, _nvcsw, _nivcsw;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrusage(int who, out RUsage usage);
}

/// <summary>CPU seconds used between Start and Stop, by this process and by children that finished meanwhile; may be started and stopped repeatedly.</summary>
public sealed class CpuMeter
{
    private double _selfStart, _childrenStart;

    public double SelfSeconds { get; private set; }
    public double ChildrenSeconds { get; private set; }

    public static CpuMeter StartNew()
    {
        var meter = new CpuMeter();
        meter.Start();
        return meter;
    }

    public void Start()
    {
        _selfStart = ResourceUsage.OfSelf().CpuSeconds;
        _childrenStart = ResourceUsage.OfFinishedChildren().CpuSeconds;
    }

    public void Stop()
    {
        SelfSeconds += ResourceUsage.OfSelf().CpuSeconds - _selfStart;
        ChildrenSeconds += ResourceUsage.OfFinishedChildren().CpuSeconds - _childrenStart;
    }
}
