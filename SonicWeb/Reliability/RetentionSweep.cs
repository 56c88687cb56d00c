using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SonicWeb.Data;
using SonicWeb.Storage;

namespace SonicWeb.Reliability;

public sealed record RetentionReport(int Expired, int FilesRemovedForJobs, int DeferredInUse, long BytesFreed);

/// <summary>
/// Enforces the retention policy (Retention:MaxAgeDays, Retention:MaxTotalBytes) every Retention:IntervalSeconds.
/// Only finished jobs (succeeded, failed, cancelled) are ever chosen, oldest first: a queued or running job keeps
/// its inputs. A chosen job is first marked expired in its row (one conditional update, so a retry that just put
/// it back in the queue wins); from then on downloads answer 410. Its folders are removed once no download or zip
/// holds a <see cref="FileLeases">lease</see> on it, on this sweep or a later one. The history row stays.
/// </summary>
public sealed class RetentionSweep(
    StoragePaths paths,
    IDbContextFactory<SonicDbContext> db,
    FileLeases leases,
    IOptions<RetentionOptions> options,
    ILogger<RetentionSweep> log) : BackgroundService
{
    private static readonly JobStatus[] Final = [JobStatus.Succeeded, JobStatus.Failed, JobStatus.Cancelled];

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var o = options.Value;
        if (!o.Enabled) return;
        log.LogInformation("Retention: finished jobs lose their files after {Days} days / beyond {Bytes} bytes in total (0 = no limit)", o.MaxAgeDays, o.MaxTotalBytes);
        while (!stopping.IsCancellationRequested)
        {
            try { await SweepAsync(stopping); }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
            catch (Exception e) { log.LogError(e, "Retention sweep failed; it runs again in {Seconds} s", o.IntervalSeconds); }
            try { await Task.Delay(TimeSpan.FromSeconds(o.IntervalSeconds), stopping); }
            catch (OperationCanceledException) { return; }
        }
    }

    public async Task<RetentionReport> SweepAsync(CancellationToken ct)
    {
        var o = options.Value;
        var now = DateTime.UtcNow;
        await using var context = await db.CreateDbContextAsync(ct);
        var finished = await context.Jobs.AsNoTracking()
            .Where(j => Final.Contains(j.Status) && j.FinishedAt != null && j.ExpiredAt == null)
            .OrderBy(j => j.FinishedAt).Select(j => new { j.Id, FinishedAt = j.FinishedAt!.Value }).ToListAsync(ct);

        var chosen = new List<string>();
        if (o.MaxAgeDays > 0)
            chosen.AddRange(finished.Where(j => j.FinishedAt < now.AddDays(-o.MaxAgeDays)).Select(j => j.Id));
        if (o.MaxTotalBytes > 0)
        {
            long total = DiskUsage.OfFolder(paths.UploadsRoot) + DiskUsage.OfFolder(paths.OutputsRoot);
            total -= chosen.Sum(id => DiskUsage.OfJob(paths, id));
            foreach (var job in finished.Where(j => !chosen.Contains(j.Id)))
            {
                if (total <= o.MaxTotalBytes) break;
                total -= DiskUsage.OfJob(paths, job.Id);
                chosen.Add(job.Id);
            }
        }

        int expired = 0;
        foreach (var id in chosen)
            expired += await context.Jobs.Where(j => j.Id == id && j.ExpiredAt == null && Final.Contains(j.Status))
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.ExpiredAt, now), ct);

        int removed = 0, deferred = 0;
        long freed = 0;
        foreach (var id in await context.Jobs.Where(j => j.ExpiredAt != null).Select(j => j.Id).ToListAsync(ct))
        {
            if (!Directory.Exists(paths.Uploads(id)) && !Directory.Exists(paths.Outputs(id))) continue;
            if (leases.InUse(id)) { deferred++; continue; } // a download is reading it: next sweep
            long bytes = DiskUsage.OfJob(paths, id);
            StoragePaths.DeleteQuietly(paths.Uploads(id));
            StoragePaths.DeleteQuietly(paths.Outputs(id));
            removed++;
            freed += bytes;
        }
        var report = new RetentionReport(expired, removed, deferred, freed);
        if (expired + removed + deferred > 0)
            log.LogInformation("Retention: {Expired} jobs expired, files of {Removed} removed ({Bytes} bytes), {Deferred} kept for now (being downloaded)",
                expired, removed, freed, deferred);
        return report;
    }
}
