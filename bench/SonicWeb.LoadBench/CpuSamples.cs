using System.Globalization;

namespace SonicWeb.LoadBench;

/// <summary>
/// CPU time from Linux's /proc: a process's own time plus that of its children it has waited for (the app's
/// ffmpeg and ffprobe runs end within each job, so their time is counted once each has exited), and the whole
/// machine's busy and total time (every process of every user: the figure is only clean on an idle machine).
/// </summary>
public static class CpuSamples
{
    /// <summary>Clock ticks per second of /proc's counters (USER_HZ, 100 on every Linux this runs on).</summary>
    public const double TicksPerSecond = 100;

    /// <summary>utime + stime + cutime + cstime of <paramref name="pid"/>; zero once the process is gone.</summary>
    public static TimeSpan ProcessWithChildren(int pid) =>
        ReadStat($"/proc/{pid}/stat") is { } p ? TimeSpan.FromSeconds((p.Own + p.ReapedChildren) / TicksPerSecond) : TimeSpan.Zero;

    /// <summary>
    /// /proc/PID/stat (or /proc/PID/task/TID/stat): "pid (comm) state ppid ... utime stime cutime cstime ...", the
    /// command name in parentheses and possibly holding spaces; null once the process is gone. Times in ticks.
    /// </summary>
    public static ProcStat? ReadStat(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (IOException) { return null; } // the process exited meanwhile
        catch (UnauthorizedAccessException) { return null; }
        int open = text.IndexOf('('), close = text.LastIndexOf(')');
        if (open < 0 || close < open) return null;
        // f[0] is field 3 (state); ppid is field 4; utime, stime, cutime, cstime are fields 14-17.
        var f = text[(close + 2)..].Split(' ');
        double T(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
        return new ProcStat(int.Parse(text[..open].Trim(), CultureInfo.InvariantCulture), int.Parse(f[1], CultureInfo.InvariantCulture),
            text[(open + 1)..close], T(11) + T(12), T(13) + T(14));
    }

    /// <summary>The machine's busy and total CPU time so far, summed over all cores (first line of /proc/stat).</summary>
    public static MachineCpu Machine()
    {
        var values = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal (guest time is already inside user)
        double total = values.Take(8).Sum();
        double idle = values[3] + values[4];
        return new MachineCpu(TimeSpan.FromSeconds((total - idle) / TicksPerSecond), TimeSpan.FromSeconds(total / TicksPerSecond));
    }
}

/// <summary>One process's (or thread's) line of /proc: its own CPU ticks and those of its children it has waited for.</summary>
public sealed record ProcStat(int Id, int ParentId, string Name, double Own, double ReapedChildren);

public readonly record struct MachineCpu(TimeSpan Busy, TimeSpan Total)
{
    /// <summary>Share of all cores busy between <paramref name="earlier"/> and this sample (0-1).</summary>
    public double UtilisationSince(MachineCpu earlier) =>
        Total - earlier.Total <= TimeSpan.Zero ? 0 : (Busy - earlier.Busy) / (Total - earlier.Total);
}
