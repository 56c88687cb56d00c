using System.Runtime.InteropServices;

namespace SonicWeb.Bench;

/// <summary>
/// getrusage(2): CPU time (user + system) of this process (all threads) or of its finished children
/// (every child that has been waited for; .NET reaps its child processes). Peak memory is taken from
/// /proc instead (see <see cref="MemoryWatch"/>).
/// </summary>
public static partial class ResourceUsage
{
    private const int Self = 0, Children = -1;

    public readonly record struct Usage(double CpuSeconds);

    public static Usage OfSelf() => Read(Self);

    /// <summary>Only children that have exited and been reaped are counted.</summary>
    public static Usage OfFinishedChildren() => Read(Children);

    private static Usage Read(int who)
    {
        if (getrusage(who, out var u) != 0) throw new InvalidOperationException($"getrusage failed: errno {Marshal.GetLastPInvokeError()}");
        return new Usage(u.UserSeconds + u.UserMicroseconds / 1e6 + u.SystemSeconds + u.SystemMicroseconds / 1e6);
    }

    /// <summary>struct rusage on 64-bit Linux: two timevals, then 14 longs we do not use.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct RUsage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        private fixed long _unused[14];
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
