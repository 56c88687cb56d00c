using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SonicWeb.Tests.Engine.Landmarks;

/// <summary>
/// CPU time used by the calling thread, so timing tests measure our code and not how busy the
/// (shared, 2-core) machine is. Linux only (CLOCK_THREAD_CPUTIME_ID); elsewhere falls back to wall time.
/// </summary>
internal static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;
    private static readonly Stopwatch Wall = Stopwatch.StartNew();

    public static double NowMilliseconds()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(ClockThreadCpuTimeId, out var t) == 0)
            return t.Seconds * 1e3 + t.Nanoseconds / 1e6;
        return Wall.Elapsed.TotalMilliseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clockId, out TimeSpec time);
}
