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
    private const double TicksPerSecond = 100;

    /// <summary>utime + stime + cutime + cstime of <paramref name="pid"/>; zero once the process is gone.</summary>
    public static TimeSpan ProcessWithChildren(int pid)
    {
        string stat;
        try { stat = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (IOException) { return TimeSpan.Zero; }
        // The command name (field 2) is in parentheses and may contain spaces: count fields after its closing one.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state); utime, stime, cutime, cstime are fields 14-17.
        double ticks = Enumerable.Range(14, 4).Sum(f => double.Parse(fields[f - 3], CultureInfo.InvariantCulture));
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
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

public readonly record struct MachineCpu(TimeSpan Busy, TimeSpan Total)
{
    /// <summary>Share of all cores busy between <paramref name="earlier"/> and this sample (0-1).</summary>
    public double UtilisationSince(MachineCpu earlier) =>
        Total - earlier.Total <= TimeSpan.Zero ? 0 : (Busy - earlier.Busy) / (Total - earlier.Total);
}
