using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SonicWeb.Data;
using SonicWeb.Engine.Media;
using SonicWeb.Storage;

namespace SonicWeb.Reliability;

/// <summary>What one sweep removed (logged; tests read it through the log and the disk).</summary>
public sealed record SweepReport(int KilledProcesses, int PartialFiles, int StagingFolders, int OrphanFolders)
{
    public bool RemovedAnything => KilledProcesses + PartialFiles + StagingFolders + OrphanFolders > 0;
}

/// <summary>
/// Removes what a crash (SIGKILL, power cut) leaves in the data folder: ffmpeg processes of a killed
/// instance, half-written videos and previews (the encoder's ".video.partial-*.mp4", "*.tmp"), uploads that
/// were being received (staging/), and job folders whose job was never saved (the app died between moving
/// the files and writing the row: the upload was never acknowledged). Once at start, before the worker
/// (registered right after the StorageInitializer, which has already put interrupted jobs back in the queue, so
/// no job runs and everything half-done is stale), then every Cleanup:IntervalSeconds, where it leaves alone
/// anything a running job or an upload in progress may be using.
/// </summary>
public sealed class StorageJanitor(
    StoragePaths paths,
    IDbContextFactory<SonicDbContext> db,
    FfmpegProcessTable processes,
    Nodes.NodeTopology topology,
    IOptions<CleanupOptions> options,
    ILogger<StorageJanitor> log) : BackgroundService
{
    public override async Task StartAsync(CancellationToken ct)
    {
        processes.OwnerTag = paths.Root; // before any ffmpeg starts: the next instance recognises what this one leaves
        // Shared with other nodes (NodeTopology), they may be rendering and receiving uploads right now:
        // the start sweep is then as careful as the timer's.
        await SweepAsync(atStart: !topology.Shared, ct);
        await base.StartAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        if (options.Value.IntervalSeconds <= 0) return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.IntervalSeconds));
        while (await WaitAsync(timer, stopping))
        {
            try { await SweepAsync(atStart: false, stopping); }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
            catch (Exception e) { log.LogError(e, "Clean-up sweep failed; it runs again in {Seconds} s", options.Value.IntervalSeconds); }
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }

    /// <param name="atStart">At start nothing of this process is running yet, so nothing needs to be old to be stale.</param>
    public async Task<SweepReport> SweepAsync(bool atStart, CancellationToken ct)
    {
        int killed = 0;
        foreach (var orphan in OrphanProcesses.Find(paths.Root, spareOtherInstances: topology.Shared))
        {
            if (!OrphanProcesses.Kill(orphan)) continue;
            killed++;
            log.LogWarning("Killed orphaned process {Pid} left by a previous run on this data folder: {CommandLine}", orphan.Pid, orphan.CommandLine);
        }

        await using var context = await db.CreateDbContextAsync(ct);
        var known = (await context.Jobs.Select(j => j.Id).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var running = atStart ? new HashSet<string>() : (await context.Jobs.Where(j => j.Status == JobStatus.Running).Select(j => j.Id).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var staleBefore = atStart ? DateTime.MaxValue : DateTime.UtcNow.AddMinutes(-options.Value.StaleAfterMinutes);

        int partials = 0;
        foreach (var folder in SafeFolders(paths.OutputsRoot))
        {
            if (running.Contains(Path.GetFileName(folder))) continue; // its encoder is writing
            foreach (var file in Directory.EnumerateFiles(folder).Where(IsHalfWritten))
                if (TryDelete(file)) partials++;
        }

        int staging = 0;
        foreach (var folder in SafeFolders(paths.StagingRoot).Where(f => Directory.GetLastWriteTimeUtc(f) < staleBefore))
            if (DeleteFolder(folder)) staging++;

        int orphans = 0;
        foreach (var folder in SafeFolders(paths.UploadsRoot).Concat(SafeFolders(paths.OutputsRoot)))
        {
            var id = Path.GetFileName(folder);
            if (!StoragePaths.IsValidJobId(id) || known.Contains(id) || Directory.GetLastWriteTimeUtc(folder) >= staleBefore) continue;
            if (DeleteFolder(folder)) orphans++;
        }

        var report = new SweepReport(killed, partials, staging, orphans);
        if (report.RemovedAnything)
            log.LogWarning("Clean-up ({When}): killed {Processes} orphaned ffmpeg processes, removed {Partials} half-written files, {Staging} abandoned uploads and {Orphans} folders of jobs that were never saved",
                atStart ? "start" : "timer", killed, partials, staging, orphans);
        return report;
    }

    /// <summary>The encoder's temporary MP4 and the progress sink's temporary preview: complete files never have these names.</summary>
    public static bool IsHalfWritten(string file)
    {
        var name = Path.GetFileName(file);
        return name.EndsWith(".tmp", StringComparison.Ordinal) || (name.StartsWith('.') && name.Contains(".partial-", StringComparison.Ordinal));
    }

    private static IEnumerable<string> SafeFolders(string root) =>
        Directory.Exists(root) ? Directory.EnumerateDirectories(root).ToList() : [];

    private bool TryDelete(string file)
    {
        try { File.Delete(file); return true; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { log.LogWarning("Could not remove {File}: {Error}", file, e.Message); return false; }
    }

    private bool DeleteFolder(string folder)
    {
        StoragePaths.DeleteQuietly(folder);
        return !Directory.Exists(folder);
    }
}
