using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SonicWeb.Data;
using SonicWeb.Storage;

namespace SonicWeb.Reliability;

/// <summary>One user's share of the data folder: jobs, of which expired, and bytes of their uploads and outputs on disk.</summary>
public sealed record UserDiskUse(string? OwnerId, string Name, int Jobs, int ExpiredJobs, long Bytes);

public sealed record DiskUseReport(IReadOnlyList<UserDiskUse> Users, long TotalBytes, long FreeBytes, RetentionOptions Retention);

/// <summary>Disk use per user for the admin's storage page, measured on disk (a job's folders), grouped by the job's owner.</summary>
public sealed class StorageUsage(StoragePaths paths, IDbContextFactory<SonicDbContext> db, IOptions<RetentionOptions> retention)
{
    public async Task<DiskUseReport> MeasureAsync(CancellationToken ct)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        var jobs = await context.Jobs.AsNoTracking().OrderBy(j => j.CreatedAt)
            .Select(j => new { j.Id, j.OwnerId, j.Submitter, Expired = j.ExpiredAt != null }).ToListAsync(ct);
        var users = jobs.GroupBy(j => j.OwnerId)
            .Select(g => new UserDiskUse(g.Key, g.Last().Submitter ?? "(no account)", g.Count(), g.Count(j => j.Expired), g.Sum(j => DiskUsage.OfJob(paths, j.Id))))
            .OrderByDescending(u => u.Bytes).ToList();
        long free = 0;
        try { free = new DriveInfo(paths.Root).AvailableFreeSpace; } catch (IOException) { }
        return new DiskUseReport(users, users.Sum(u => u.Bytes), free, retention.Value);
    }
}
