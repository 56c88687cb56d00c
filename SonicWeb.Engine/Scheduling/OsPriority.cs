using System.Runtime.InteropServices;

namespace SonicWeb.Engine.Scheduling;

/// <summary>
/// Lowers the Linux scheduling priority (raises the nice value) of one thread or process, so that the generation
/// engine yields the CPU to the web serving when both want it. .NET offers no way to do this: Thread.Priority is
/// not honoured on Linux (the runtime ignores it without privileges) and Process.PriorityClass changes only the
/// main thread. On Linux the nice value belongs to each thread, and setpriority(PRIO_PROCESS, tid) sets exactly
/// one; raising it needs no privilege. The value is always relative to the app's own main thread (so an app
/// started under `nice -n 10` keeps its engine 10 steps lower still), capped at 19. Elsewhere this does nothing.
/// </summary>
public static partial class OsPriority
{
    private const int PrioProcess = 0;
    private const int LowestPriority = 19;

    /// <summary>Lowers the calling thread by <paramref name="steps"/> nice steps; false when that is not possible here.</summary>
    public static bool LowerCurrentThread(int steps) => steps > 0 && OperatingSystem.IsLinux() && TrySet(CurrentThreadId(), steps);

    /// <summary>
    /// Lowers a child process: its main thread and every thread it has so far (the ones it starts later inherit the
    /// value from the thread that starts them, which is the main thread or one of those).
    /// </summary>
    public static bool LowerProcess(int processId, int steps)
    {
        if (steps <= 0 || !OperatingSystem.IsLinux()) return false;
        bool all = TrySet(processId, steps);
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{processId}/task"))
                if (int.TryParse(Path.GetFileName(task), out var tid) && tid != processId) all &= TrySet(tid, steps);
        }
        catch (IOException) { } // the process exited meanwhile
        catch (UnauthorizedAccessException) { }
        return all;
    }

    /// <summary>The nice value of a thread (its task id) or process; null when it cannot be read.</summary>
    public static int? NiceOf(int taskId)
    {
        if (!OperatingSystem.IsLinux()) return null;
        // getpriority may return -1 as a value: tell it from a failure by errno (cleared first).
        Marshal.SetLastPInvokeError(0);
        int value = getpriority(PrioProcess, taskId);
        return value == -1 && Marshal.GetLastPInvokeError() != 0 ? null : value;
    }

    private static bool TrySet(int taskId, int steps)
    {
        int baseline = NiceOf(Environment.ProcessId) ?? 0; // the main thread's task id is the process id
        int target = Math.Min(LowestPriority, baseline + steps);
        if (NiceOf(taskId) is { } current && current >= target) return true;
        return setpriority(PrioProcess, taskId, target) == 0;
    }

    private static int CurrentThreadId()
    {
        try { return gettid(); }
        catch (EntryPointNotFoundException) { return syscall(RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 178 : 186); } // glibc < 2.30
    }

    [LibraryImport("libc", SetLastError = true)] private static partial int setpriority(int which, int who, int prio);
    [LibraryImport("libc", SetLastError = true)] private static partial int getpriority(int which, int who);
    [LibraryImport("libc")] private static partial int gettid();
    [LibraryImport("libc")] private static partial int syscall(long number);
}
