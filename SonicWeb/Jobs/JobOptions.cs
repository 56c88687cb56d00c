namespace SonicWeb.Jobs;

/// <summary>Worker and watchdog settings (configuration section "Jobs").</summary>
public sealed class JobOptions
{
    public const string Section = "Jobs";

    /// <summary>Jobs generated at the same time. On 2 cores one slot is fastest per job.</summary>
    public int Slots { get; set; } = 1;

    /// <summary>Watchdog limit = max(WatchdogMultiplier x estimate, WatchdogMinimumSeconds).</summary>
    public double WatchdogMultiplier { get; set; } = 3;
    public double WatchdogMinimumSeconds { get; set; } = 300;

    /// <summary>How often idle workers look for queued jobs when nothing woke them.</summary>
    public double PollSeconds { get; set; } = 2;

    /// <summary>Longest wait the compatibility endpoint's ?wait=S honours; longer waits get 202 with a status URL.</summary>
    public double MaxWaitSeconds { get; set; } = 120;

    /// <summary>Identical inputs and parameters reuse a finished output instead of generating again.</summary>
    public bool ReuseIdenticalOutputs { get; set; } = true;

    public TimeSpan WatchdogLimit(double estimateSeconds) =>
        TimeSpan.FromSeconds(Math.Max(WatchdogMultiplier * estimateSeconds, WatchdogMinimumSeconds));
}
