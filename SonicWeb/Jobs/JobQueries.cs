using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using SonicWeb.Accounts;
using SonicWeb.Data;
using SonicWeb.Errors;
using SonicWeb.Storage;

namespace SonicWeb.Jobs;

/// <summary>Filters, sorting and paging of the job list (REST listing and the history page).</summary>
public sealed record JobListQuery
{
    public JobStatus? Status { get; init; }
    /// <summary>Review state (None = no finished video; Pending = succeeded, not yet decided).</summary>
    public Reviews.ReviewState? Review { get; init; }
    /// <summary>Matched against name, submitter, file names and id.</summary>
    public string? Text { get; init; }
    public DateTime? From { get; init; }
    public DateTime? To { get; init; }
    /// <summary>created, name, status, audio, generation; prefix "-" for descending. Default "-created".</summary>
    public string? Sort { get; init; }
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 20;

    public static readonly string[] SortKeys = ["created", "name", "submitter", "status", "audio", "generation"];
    public const int MaxPageSize = 100;
}

public sealed record JobListPage(IReadOnlyList<JobView> Items, int Page, int PageSize, int Total)
{
    public int PageCount => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

/// <summary>
/// Read side of the job table. The <c>...ForAsync</c> reads are for a user: an unknown (or malformed) id is
/// <see cref="NotFoundException"/>, a job the user may not open <see cref="ForbiddenException"/>.
/// </summary>
public sealed class JobQueries(IDbContextFactory<SonicDbContext> db, DatabaseOptions database)
{
    public async Task<JobView> GetForAsync(string id, ClaimsPrincipal user, CancellationToken ct = default)
    {
        var job = (StoragePaths.IsValidJobId(id) ? await GetAsync(id, ct) : null) ?? throw NotFound(id);
        user.EnsureCanRead(id, job.OwnerId);
        return job;
    }

    public async Task<Job> GetEntityForAsync(string id, ClaimsPrincipal user, CancellationToken ct = default)
    {
        var job = (StoragePaths.IsValidJobId(id) ? await GetEntityAsync(id, ct) : null) ?? throw NotFound(id);
        user.EnsureCanRead(id, job.OwnerId);
        return job;
    }

    /// <summary>
    /// Several jobs for a user, in the order asked (for a zip of chosen videos): every id must exist
    /// (<see cref="NotFoundException"/>) and be one the user may open (<see cref="ForbiddenException"/>).
    /// </summary>
    public async Task<IReadOnlyList<Job>> GetEntitiesForAsync(IReadOnlyList<string> ids, ClaimsPrincipal user, CancellationToken ct = default)
    {
        var unknown = ids.FirstOrDefault(id => !StoragePaths.IsValidJobId(id));
        if (unknown is not null) throw NotFound(unknown);
        await using var context = await db.CreateDbContextAsync(ct);
        var found = await context.Jobs.AsNoTracking().Where(j => ids.Contains(j.Id)).ToDictionaryAsync(j => j.Id, ct);
        var jobs = new List<Job>(ids.Count);
        foreach (var id in ids)
        {
            var job = found.GetValueOrDefault(id) ?? throw NotFound(id);
            user.EnsureCanRead(id, job.OwnerId);
            jobs.Add(job);
        }
        return jobs;
    }

    /// <summary>The team's list: everyone signed in sees every line; jobs the user may not open are summary lines.</summary>
    public async Task<JobListPage> ListForAsync(JobListQuery q, ClaimsPrincipal user, CancellationToken ct = default)
    {
        var page = await ListAsync(q, ct);
        return page with { Items = page.Items.Select(j => user.CanRead(j.OwnerId) ? j : JobAccess.Summary(j)).ToList() };
    }

    private static NotFoundException NotFound(string id) => new($"There is no job '{id}'.");

    public async Task<JobView?> GetAsync(string id, CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        var job = await context.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct);
        if (job is null) return null;
        int? position = job.Status == JobStatus.Queued ? await QueuePositionAsync(context, job, ct) : null;
        return JobView.From(job, position, DateTime.UtcNow);
    }

    public async Task<Job?> GetEntityAsync(string id, CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        return await context.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct);
    }

    /// <summary>1 = next to run.</summary>
    public static async Task<int> QueuePositionAsync(SonicDbContext context, Job job, CancellationToken ct) =>
        1 + await context.Jobs.CountAsync(j => j.Status == JobStatus.Queued &&
            (j.QueuedAt < job.QueuedAt || (j.QueuedAt == job.QueuedAt && string.Compare(j.Id, job.Id) < 0)), ct);

    public async Task<int> QueuedCountAsync(CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        // Jobs still being checked (a burst of uploads) will almost all queue: count them as ahead too.
        return await context.Jobs.CountAsync(j => j.Status == JobStatus.Queued || j.Status == JobStatus.Running || j.Status == JobStatus.Checking, ct);
    }

    public async Task<JobListPage> ListAsync(JobListQuery q, CancellationToken ct = default)
    {
        int pageSize = Math.Clamp(q.PageSize, 1, JobListQuery.MaxPageSize);
        int page = Math.Max(1, q.Page);
        await using var context = await db.CreateDbContextAsync(ct);
        IQueryable<Job> jobs = context.Jobs.AsNoTracking();
        if (q.Status is { } status) jobs = jobs.Where(j => j.Status == status);
        if (q.Review is { } review) jobs = review switch
        {
            Reviews.ReviewState.None => jobs.Where(j => j.Status != JobStatus.Succeeded),
            Reviews.ReviewState.Pending => jobs.Where(j => j.Status == JobStatus.Succeeded && j.ReviewDecision == null),
            _ => jobs.Where(j => j.Status == JobStatus.Succeeded && j.ReviewDecision == review),
        };
        if (q.From is { } from) jobs = jobs.Where(j => j.CreatedAt >= from);
        if (q.To is { } to) jobs = jobs.Where(j => j.CreatedAt < to);
        if (!string.IsNullOrWhiteSpace(q.Text))
        {
            var pattern = "%" + q.Text.Trim().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
            // Case-insensitive on both providers: SQLite's LIKE ignores ASCII case, PostgreSQL's does not (ILIKE does).
            var id = q.Text.Trim();
            jobs = database.Provider == DatabaseProvider.Postgres
                ? jobs.Where(j => EF.Functions.ILike(j.Name, pattern, "\\") || EF.Functions.ILike(j.Submitter ?? "", pattern, "\\")
                    || EF.Functions.ILike(j.ImageFileName, pattern, "\\") || EF.Functions.ILike(j.AudioFileName, pattern, "\\") || j.Id == id)
                : jobs.Where(j => EF.Functions.Like(j.Name, pattern, "\\") || EF.Functions.Like(j.Submitter ?? "", pattern, "\\")
                    || EF.Functions.Like(j.ImageFileName, pattern, "\\") || EF.Functions.Like(j.AudioFileName, pattern, "\\") || j.Id == id);
        }

        var sort = (q.Sort ?? "-created").Trim().ToLowerInvariant();
        bool desc = sort.StartsWith('-');
        jobs = sort.TrimStart('-') switch
        {
            "name" => desc ? jobs.OrderByDescending(j => j.Name) : jobs.OrderBy(j => j.Name),
            "submitter" => desc ? jobs.OrderByDescending(j => j.Submitter) : jobs.OrderBy(j => j.Submitter),
            "status" => desc ? jobs.OrderByDescending(j => j.Status) : jobs.OrderBy(j => j.Status),
            "audio" => desc ? jobs.OrderByDescending(j => j.AudioSeconds) : jobs.OrderBy(j => j.AudioSeconds),
            "generation" => desc ? jobs.OrderByDescending(j => j.GenerationSeconds) : jobs.OrderBy(j => j.GenerationSeconds),
            _ => desc ? jobs.OrderByDescending(j => j.CreatedAt) : jobs.OrderBy(j => j.CreatedAt),
        };

        int total = await jobs.CountAsync(ct);
        var rows = await jobs.Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        var queue = await context.Jobs.AsNoTracking().Where(j => j.Status == JobStatus.Queued)
            .OrderBy(j => j.QueuedAt).ThenBy(j => j.Id).Select(j => j.Id).ToListAsync(ct);
        var now = DateTime.UtcNow;
        var items = rows.Select(j => JobView.From(j, j.Status == JobStatus.Queued ? queue.IndexOf(j.Id) + 1 : null, now)).ToList();
        return new JobListPage(items, page, pageSize, total);
    }
}
