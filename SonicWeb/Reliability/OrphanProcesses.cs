using System.Diagnostics;
using System.Text;
using SonicWeb.Engine.Media;

namespace SonicWeb.Reliability;

/// <summary>
/// ffmpeg and ffprobe processes that an instance of the app on this data folder started and that do not belong
/// to this app process: left by an instance that was killed (SIGKILL or a crash gives it no chance to stop its
/// children). The app tags every ffmpeg it starts with its data folder (<see cref="FfmpegProcessTable.OwnerVariable"/>
/// in the process's environment); they are found through /proc (Linux) by that tag and a parent that is not this
/// process. An operator's own ffmpeg or ffprobe on a file in the data folder has no tag and is never touched.
/// </summary>
public static class OrphanProcesses
{
    public sealed record Found(int Pid, string CommandLine);

    /// <param name="spareOtherInstances">Several nodes share the data folder (PostgreSQL or RabbitMQ: NodeTopology.Shared): children of another live instance are theirs.</param>
    public static IReadOnlyList<Found> Find(string dataRoot, bool spareOtherInstances = false)
    {
        if (!Directory.Exists("/proc")) return [];
        var tag = FfmpegProcessTable.OwnerVariable + "=" + Path.GetFullPath(dataRoot);
        int self = Environment.ProcessId;
        var found = new List<Found>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid) || pid == self) continue;
            try
            {
                if (!File.ReadAllText(Path.Combine(dir, "environ")).Split('\0').Contains(tag, StringComparer.Ordinal)) continue;
                int parent = ParentOf(dir);
                if (parent == self) continue; // ours: the engine's process table owns and stops it
                if (spareOtherInstances && IsLiveInstance(parent)) continue; // another node on this machine and data folder (role web + worker): its own
                var args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
                found.Add(new Found(pid, string.Join(' ', args)));
            }
            catch (IOException) { } // the process ended while we looked
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }

    /// <summary>SIGKILLs the process; false when it was already gone.</summary>
    public static bool Kill(Found process)
    {
        try
        {
            using var p = Process.GetProcessById(process.Pid);
            p.Kill();
            p.WaitForExit(5000);
            return true;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    /// <summary>
    /// Whether the parent is a running SonicWeb (the same executable as this process, or a command line that
    /// names SonicWeb: `dotnet SonicWeb.dll`, a test host). A killed instance's children are re-parented to
    /// init or a subreaper, which never is.
    /// </summary>
    private static bool IsLiveInstance(int pid)
    {
        try
        {
            if (new FileInfo($"/proc/{pid}/exe").LinkTarget is { } exe && exe == new FileInfo("/proc/self/exe").LinkTarget && !exe.EndsWith("/dotnet", StringComparison.Ordinal))
                return true;
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains("SonicWeb", StringComparison.Ordinal);
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>Field 4 of /proc/PID/stat; the name in field 2 may hold spaces, so count from its closing parenthesis.</summary>
    private static int ParentOf(string procDir)
    {
        var stat = File.ReadAllText(Path.Combine(procDir, "stat"), Encoding.ASCII);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
