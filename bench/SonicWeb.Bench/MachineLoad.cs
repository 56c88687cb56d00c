using System.Globalization;

namespace SonicWeb.Bench;

/// <summary>
/// Whole-machine CPU time from /proc/stat, to tell how much CPU other processes took while a case ran
/// (other work on the machine lowers every fps figure; the case's own CPU time does not change much).
/// </summary>
public static class MachineLoad
{
    private static readonly double TicksPerSecond = 100; // USER_HZ, 100 on every Linux we run on

    /// <summary>Seconds of CPU time spent busy (not idle or waiting for I/O) since boot, all cores.</summary>
    public static double BusySeconds()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal (guest times are already in user)
        long busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + (fields.Length > 7 ? fields[7] : 0);
        return busy / TicksPerSecond;
    }

    /// <summary>The 1-minute load average.</summary>
    public static double LoadAverage() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
}
