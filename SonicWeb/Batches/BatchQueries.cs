using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using SonicWeb.Accounts;
using SonicWeb.Data;
using SonicWeb.Errors;
using SonicWeb.Jobs;
using SonicWeb.Storage;

namespace SonicWeb.Batches;

/// <summary>How many of a batch's jobs are in each state (Waiting: held until every pair is checked); Done counts the final ones.</summary>
public sealed record BatchCounts(int Total, int Waiting, int Queued, int Running, int Succeeded, int Failed, int Cancelled)
{
    public int Done => Succeeded + Failed + Cancelled;
}

public sealed record BatchLinks(string Self, string Page, string Zip);

/// <summary>A batch as the API and the batch page show it: counts, overall progress in frames, and its jobs.</summary>
public sealed record BatchView(
    string Id,
    string Name,
    string? Submitter,
    DateTime CreatedAt,
    DateTime? FinishedAt,
    bool IsFinished,
    BatchCounts Counts,
    int FramesDone,
    int FramesTotal,
    IReadOnlyList<JobView> Jobs,
    BatchLinks Links)
{
    public string? OwnerId { get; init; }

    /// <summary>The recording's file name of each job (by job id): videos are named after them.</summary>
    public IReadOnlyDictionary<string, string> Recordings { get; init; } = new Dictionary<string, string>();

    public static BatchLinks LinksFor(string id) => new($"/api/batches/{id}", BatchCompletion.PagePath(id), $"/api/batches/{id}/zip");
}

/// <summary>A finished video of a batch, for the zip.</summary>
public sealed record BatchVideo(string JobId, string Name, string AudioFileName, string Path, DateTime FinishedAt);

/// <summary>
/// Read side of batches. The <c>...ForAsync</c> reads are for a user: an unknown id is
/// <see cref="NotFoundException"/>, someone else's batch (for an operator) <see cref="ForbiddenException"/>.
/// </summary>
public sealed class BatchQueries(IDbContextFactory<SonicDbContext> db)
{
    public async Task<BatchView> GetForAsync(string id, ClaimsPrincipal user, CancellationToken ct = default)
    {
        var batch = (StoragePaths.IsValidJobId(id) ? await GetAsync(id, ct) : null) ?? throw NotFound(id);
        EnsureCanRead(user, id, batch.OwnerId);
        return batch;
    }

    public async Task<Batch> GetEntityForAsync(string id, ClaimsPrincipal user, CancellationToken ct = default)
    {
        var batch = (StoragePaths.IsValidJobId(id) ? await GetEntityAsync(id, ct) : null) ?? throw NotFound(id); // batch ids have the job id's shape
        EnsureCanRead(user, id, batch.OwnerId);
        return batch;
    }

    /// <summary>Who may see a batch follows the job rules (operators their own, reviewers and admins all).</summary>
    public static void EnsureCanRead(ClaimsPrincipal user, string id, string? ownerId)
    {
        if (!user.CanRead(ownerId)) throw new ForbiddenException($"Batch {id} belongs to someone else; your role may not open it.");
    }

    private static NotFoundException NotFound(string id) => new($"There is no batch '{id}'.");

    public async Task<Batch?> GetEntityAsync(string id, CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        return await context.Batches.AsNoTracking().FirstOrDefaultAsync(b => b.Id == id, ct);
    }

    public async Task<BatchView?> GetAsync(string id, CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        var batch = await context.Batches.AsNoTracking().FirstOrDefaultAsync(b => b.Id == id, ct);
        if (batch is null) return null;
        var jobs = await context.Jobs.AsNoTracking().Where(j => j.BatchId == id).ToListAsync(ct);
        jobs = jobs.OrderBy(j => j.CreatedAt).ThenBy(j => j.Id, StringComparer.Ordinal).ToList();
        List<string> queue = jobs.Any(j => j.Status == JobStatus.Queued)
            ? await context.Jobs.AsNoTracking().Where(j => j.Status == JobStatus.Queued).OrderBy(j => j.QueuedAt).ThenBy(j => j.Id).Select(j => j.Id).ToListAsync(ct)
            : [];
        var now = DateTime.UtcNow;
        var views = jobs.Select(j => JobView.From(j, j.Status == JobStatus.Queued ? queue.IndexOf(j.Id) + 1 : null, now)).ToList();

        int Count(JobStatus s) => jobs.Count(j => j.Status == s);
        var counts = new BatchCounts(jobs.Count, Count(JobStatus.Held), Count(JobStatus.Queued), Count(JobStatus.Running),
            Count(JobStatus.Succeeded), Count(JobStatus.Failed), Count(JobStatus.Cancelled));
        // A job that ended counts as all its frames done, so the bar reaches the end when the batch does.
        int framesTotal = jobs.Sum(j => j.FramesTotal);
        int framesDone = jobs.Sum(j => j.IsFinished ? j.FramesTotal : Math.Min(j.FramesDone, j.FramesTotal));
        bool finished = batch.ReleasedAt != null && jobs.Count > 0 && counts.Done == jobs.Count;
        return new BatchView(batch.Id, batch.Name, batch.Submitter, batch.CreatedAt, batch.FinishedAt, finished, counts, framesDone, framesTotal, views, BatchView.LinksFor(batch.Id))
            { OwnerId = batch.OwnerId, Recordings = jobs.ToDictionary(j => j.Id, j => j.AudioFileName) };
    }

    /// <summary>Batch names by id, for the history's batch column.</summary>
    public async Task<IReadOnlyDictionary<string, string>> NamesAsync(IEnumerable<string> ids, CancellationToken ct = default)
    {
        var wanted = ids.Distinct().ToList();
        if (wanted.Count == 0) return new Dictionary<string, string>();
        await using var context = await db.CreateDbContextAsync(ct);
        return await context.Batches.AsNoTracking().Where(b => wanted.Contains(b.Id)).ToDictionaryAsync(b => b.Id, b => b.Name, ct);
    }

    /// <summary>The batch's succeeded jobs with their video (relative path), in batch order.</summary>
    public async Task<IReadOnlyList<BatchVideo>> FinishedVideosAsync(string id, CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        var rows = await context.Jobs.AsNoTracking().Where(j => j.BatchId == id && j.Status == JobStatus.Succeeded && j.OutputPath != null && j.ExpiredAt == null).ToListAsync(ct);
        return rows.OrderBy(j => j.CreatedAt).ThenBy(j => j.Id, StringComparer.Ordinal)
            .Select(j => new BatchVideo(j.Id, j.Name, j.AudioFileName, j.OutputPath!, j.FinishedAt ?? j.CreatedAt)).ToList();
    }
}
