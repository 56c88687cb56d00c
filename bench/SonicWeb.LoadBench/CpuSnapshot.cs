namespace SonicWeb.LoadBench;

/// <summary>
/// CPU time used by each party of a browser benchmark, read from /proc (Linux only; elsewhere every figure is 0):
/// the chromium processes this bench started (by kind: browser, renderer, gpu-process, utility) and Playwright's driver, the app's own threads (its engine threads apart: their names start
/// with <see cref="EngineThreadPrefix"/>), the job's ffmpeg children (alive, or already reaped into the app's
/// cutime/cstime), and the whole machine (so the other users' share is visible too). Two snapshots give the split.
/// </summary>
public sealed record CpuSnapshot(double Chromium, double Driver, double App, double Engine, double Ffmpeg, double MachineBusy, DateTime Taken,
    IReadOnlyDictionary<string, double> ChromiumByType)
{
    private const double TicksPerSecond = CpuSamples.TicksPerSecond;

    /// <summary>How the engine names its render threads (SonicWeb.Engine.Scheduling.EngineThreads): the kernel keeps 15 characters.</summary>
    public const string EngineThreadPrefix = "engine-render";

    public static CpuSnapshot Take(int benchPid, int appPid)
    {
        var all = ReadAll();
        var children = all.Values.ToLookup(p => p.ParentId);
        IEnumerable<ProcStat> Descendants(int pid) => children[pid].SelectMany(c => Descendants(c.Id).Prepend(c));

        var appTree = Descendants(appPid).Select(p => p.Id).ToHashSet();
        var browsers = Descendants(benchPid).Where(p => !appTree.Contains(p.Id) && p.Id != appPid && p.Name.Contains("chrom")).ToList();
        double chromium = browsers.Sum(p => p.Own + p.ReapedChildren);
        // Playwright's driver (node): it receives every page's CDP events, a cost of the bench, not of a user's browser.
        double driver = Descendants(benchPid).Where(p => IsNode(p.Id)).Sum(p => p.Own + p.ReapedChildren);
        var byType = browsers.GroupBy(p => ChromiumType(p.Id)).ToDictionary(g => g.Key, g => g.Sum(p => p.Own + p.ReapedChildren) / TicksPerSecond);
        double app = 0, ffmpeg = 0, engine = 0;
        if (all.TryGetValue(appPid, out var a))
        {
            app = a.Own;
            ffmpeg = a.ReapedChildren + Descendants(appPid).Sum(p => p.Own + p.ReapedChildren);
            engine = Threads(appPid).Where(t => t.Name.StartsWith(EngineThreadPrefix[..Math.Min(15, EngineThreadPrefix.Length)], StringComparison.Ordinal)).Sum(t => t.Own);
        }
        return new CpuSnapshot(chromium / TicksPerSecond, driver / TicksPerSecond, app / TicksPerSecond, engine / TicksPerSecond, ffmpeg / TicksPerSecond,
            (File.Exists("/proc/stat") ? CpuSamples.Machine().Busy.TotalSeconds : 0), DateTime.UtcNow, byType);
    }

    /// <summary>One line per party: CPU seconds between the snapshots and the cores that is on average.</summary>
    public static string Report(CpuSnapshot before, CpuSnapshot after)
    {
        double wall = (after.Taken - before.Taken).TotalSeconds;
        double chromium = after.Chromium - before.Chromium, app = after.App - before.App, engine = after.Engine - before.Engine,
            ffmpeg = after.Ffmpeg - before.Ffmpeg, machine = after.MachineBusy - before.MachineBusy;
        double driver = after.Driver - before.Driver;
        double others = Math.Max(0, machine - chromium - driver - app - ffmpeg);
        string Part(string name, double seconds) => $"{name} {seconds:0.0} s ({seconds / wall:0.00} cores)";
        var types = string.Join(", ", after.ChromiumByType.Keys.Order().Select(t =>
            $"{t} {after.ChromiumByType[t] - before.ChromiumByType.GetValueOrDefault(t):0.0}"));
        return $"CPU over {wall:0.0} s: {Part("chromium", chromium)} [{types} s], {Part("Playwright's driver", driver)}, {Part("app", app)} of which {Part("engine threads", engine)}, " +
            $"{Part("ffmpeg", ffmpeg)}, {Part("everything else on the machine", others)}; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}";
    }

    /// <summary>Chromium's process kind from its command line (--type=renderer, gpu-process, utility...; none: the browser).</summary>
    private static string ChromiumType(int pid)
    {
        try
        {
            // Chromium rewrites its children's command lines as one space-separated string.
            var type = File.ReadAllText($"/proc/{pid}/cmdline").Split(['\0', ' ']).FirstOrDefault(a => a.StartsWith("--type=", StringComparison.Ordinal));
            return type?["--type=".Length..] ?? "browser";
        }
        catch (IOException) { return "exited"; }
    }

    /// <summary>Node renames its main thread (and so the process) "MainThread": tell it by its executable.</summary>
    private static bool IsNode(int pid)
    {
        try { return Path.GetFileName(new FileInfo($"/proc/{pid}/exe").LinkTarget ?? "") == "node"; }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    private static Dictionary<int, ProcStat> ReadAll()
    {
        var result = new Dictionary<int, ProcStat>();
        if (!Directory.Exists("/proc")) return result;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(dir), out var pid) && CpuSamples.ReadStat(Path.Combine(dir, "stat")) is { } p) result[pid] = p;
        return result;
    }

    private static IEnumerable<ProcStat> Threads(int pid)
    {
        var tasks = $"/proc/{pid}/task";
        if (!Directory.Exists(tasks)) yield break;
        foreach (var dir in Directory.EnumerateDirectories(tasks))
            if (CpuSamples.ReadStat(Path.Combine(dir, "stat")) is { } t) yield return t;
    }
}
