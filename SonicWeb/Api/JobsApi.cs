using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SonicWeb.Accounts;
using SonicWeb.Batches;
using SonicWeb.Data;
using SonicWeb.Jobs;
using SonicWeb.Presets;
using SonicWeb.Storage;

namespace SonicWeb.Api;

/// <summary>
/// /api/jobs: submit, list, inspect, cancel, retry, re-run, delete, and the job's files. Every call
/// needs a signed-in user or an API key; each job is checked against the caller (<see cref="JobAccess"/>).
/// </summary>
public static class JobsApi
{
    public static RouteGroupBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/jobs").WithTags("Jobs").AddEndpointFilter<ApiProblemFilter>().RequireAuthorization();
        group.MapPost("/", SubmitAsync).WithName("SubmitJob").RequireAuthorization(Policies.Submit)
            .WithSummary("Queue a video: multipart with 'image', 'audio' and parameters as form fields or a JSON 'config' field.");
        group.MapGet("/", ListAsync).WithName("ListJobs");
        group.MapGet("/{id}", GetAsync).WithName("GetJob");
        group.MapPost("/{id}/cancel", CancelAsync).WithName("CancelJob");
        group.MapPost("/{id}/retry", RetryAsync).WithName("RetryJob");
        group.MapPost("/{id}/confirm", ConfirmAsync).WithName("ConfirmJob")
            .WithSummary("Queue the full render of a job submitted with preview_first=true (status AwaitingConfirmation).");
        group.MapPost("/{id}/rerun", RerunAsync).WithName("RerunJob");
        group.MapDelete("/{id}", DeleteAsync).WithName("DeleteJob");
        group.MapGet("/{id}/video", VideoAsync).WithName("GetJobVideo");
        group.MapGet("/{id}/preview", PreviewAsync).WithName("GetJobPreview");
        group.MapGet("/{id}/thumbnail", ThumbnailAsync).WithName("GetJobThumbnail");
        return group;
    }

    /// <summary>Reads and checks the upload, then queues the job (202 + Location). Shared with the compatibility endpoint.</summary>
    public static async Task<JobView> AcceptUploadAsync(HttpContext http, JobService jobs, StoragePaths paths, StorageOptions storage, CancellationToken ct)
    {
        // Counted from before the body is read: a burst of uploads is visible to the first one finished.
        using var inFlight = http.RequestServices.GetRequiredService<UploadAdmission>().BeginUpload();
        await using var form = await UploadReader.ReadAsync(http.Request, paths.NewStagingFolder(), storage.MaxUploadBytes, ct);
        await http.RequestServices.GetRequiredService<PresetService>().ApplyAsync(form.Fields, ct); // preset=<name>: its parameters under the ones sent
        return await jobs.SubmitAsync(form, ct, OwnerOf(http.User));
    }

    public static async Task<Results<Accepted<JobView>, ProblemHttpResult>> SubmitAsync(
        HttpContext http, JobService jobs, StoragePaths paths, IOptions<StorageOptions> storage, CancellationToken ct)
    {
        var job = await AcceptUploadAsync(http, jobs, paths, storage.Value, ct);
        return TypedResults.Accepted(job.Links.Self, job);
    }

    /// <summary>The caller as the owner of a new job (the submitter shown is their display name).</summary>
    public static JobOwner OwnerOf(ClaimsPrincipal user) =>
        new(user.UserId() ?? throw new InvalidOperationException("an authenticated user has an id"), user.DisplayName());

    /// <summary>Everyone signed in sees the team's list; jobs the caller may not open appear as a summary.</summary>
    public static async Task<Results<Ok<JobListPage>, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal user, JobQueries queries, string? status, string? review, string? q, DateTime? from, DateTime? to, string? sort, int? page, int? pageSize, CancellationToken ct)
    {
        JobStatus? parsed = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!Enum.TryParse<JobStatus>(status, ignoreCase: true, out var s) || !Enum.IsDefined(s) || char.IsDigit(status[0]))
                throw Problems.BadRequest($"status is '{status}'; it must be one of {string.Join(", ", Enum.GetNames<JobStatus>())}.");
            parsed = s;
        }
        Reviews.ReviewState? reviewState = null;
        if (!string.IsNullOrWhiteSpace(review))
        {
            if (!Reviews.JobReview.TryParse(review, out var r))
                throw Problems.BadRequest($"review is '{review}'; it must be one of none, pending, approved, changes_requested.");
            reviewState = r;
        }
        if (sort is { Length: > 0 } && !JobListQuery.SortKeys.Contains(sort.TrimStart('-').ToLowerInvariant()))
            throw Problems.BadRequest($"sort is '{sort}'; it must be one of {string.Join(", ", JobListQuery.SortKeys)} (prefix '-' for descending).");
        var result = await queries.ListAsync(new JobListQuery
        {
            Status = parsed, Review = reviewState, Text = q, From = from?.ToUniversalTime(), To = to?.ToUniversalTime(), Sort = sort,
            Page = page ?? 1, PageSize = pageSize ?? 20,
        }, ct);
        return TypedResults.Ok(result with { Items = result.Items.Select(j => user.CanRead(j.OwnerId) ? j : JobAccess.Summary(j)).ToList() });
    }

    public static async Task<Results<Ok<JobView>, ProblemHttpResult>> GetAsync(string id, ClaimsPrincipal user, JobQueries queries, CancellationToken ct)
    {
        var job = await FindAsync(id, queries, ct);
        user.EnsureCanRead(id, job.OwnerId);
        return TypedResults.Ok(job);
    }

    public static async Task<Results<Ok<JobView>, ProblemHttpResult>> CancelAsync(string id, ClaimsPrincipal user, JobQueries queries, JobService jobs, BatchCompletion batches, CancellationToken ct)
    {
        await EnsureCanActAsync(id, user, queries, ct);
        var job = await jobs.CancelAsync(id, ct);
        if (job.BatchId is { } batchId) await batches.JobSettledAsync(batchId, CancellationToken.None); // a queued job cancelled may have been the batch's last
        return TypedResults.Ok(job);
    }

    public static async Task<Results<Ok<JobView>, ProblemHttpResult>> ConfirmAsync(string id, ClaimsPrincipal user, JobQueries queries, JobService jobs, CancellationToken ct)
    {
        await EnsureCanActAsync(id, user, queries, ct);
        return TypedResults.Ok(await jobs.ConfirmAsync(id, ct));
    }

    public static async Task<Results<Ok<JobView>, ProblemHttpResult>> RetryAsync(string id, ClaimsPrincipal user, JobQueries queries, JobService jobs, BatchCompletion batches, CancellationToken ct)
    {
        await EnsureCanActAsync(id, user, queries, ct);
        var job = await jobs.RetryAsync(id, ct);
        if (job.BatchId is { } batchId) await batches.ReopenAsync(batchId, CancellationToken.None); // a complete batch runs again
        return TypedResults.Ok(job);
    }

    public static async Task<Results<Accepted<JobView>, ProblemHttpResult>> RerunAsync(string id, ClaimsPrincipal user, JobQueries queries, JobService jobs, CancellationToken ct)
    {
        await EnsureCanActAsync(id, user, queries, ct);
        var job = await jobs.RerunAsync(id, ct, OwnerOf(user));
        return TypedResults.Accepted(job.Links.Self, job);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, ClaimsPrincipal user, JobQueries queries, JobService jobs, BatchCompletion batches, CancellationToken ct)
    {
        var batchId = (await FindEntityAsync(id, queries, ct)).BatchId;
        await EnsureCanActAsync(id, user, queries, ct);
        await jobs.DeleteAsync(id, ct);
        if (batchId is not null) await batches.JobSettledAsync(batchId, CancellationToken.None); // the batch may be complete without it
        return TypedResults.NoContent();
    }

    /// <summary>The MP4, with range requests (seeking in the player); ?download=1 adds a file name.</summary>
    public static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> VideoAsync(
        string id, string? download, ClaimsPrincipal user, JobQueries queries, StoragePaths paths, CancellationToken ct)
    {
        var job = await FindEntityAsync(id, queries, ct);
        user.EnsureCanRead(id, job.OwnerId);
        if (job.Status != JobStatus.Succeeded || job.OutputPath is null || !File.Exists(paths.Absolute(job.OutputPath)))
            throw Problems.NotFound($"Job {id} has no video ({job.Status}).");
        var fileName = download is "1" or "true" ? SafeFileName(job.Name) + ".mp4" : null;
        return TypedResults.PhysicalFile(paths.Absolute(job.OutputPath), "video/mp4", fileName, enableRangeProcessing: true);
    }

    /// <summary>The newest preview frame of a running job (or the last one saved).</summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> PreviewAsync(
        string id, HttpContext http, JobQueries queries, JobNotifier notifier, StoragePaths paths, CancellationToken ct)
    {
        var job = await FindEntityAsync(id, queries, ct);
        http.User.EnsureCanRead(id, job.OwnerId);
        http.Response.Headers.CacheControl = "no-store";
        var bytes = notifier.LatestPreview(id);
        if (bytes is null)
        {
            foreach (var path in new[] { paths.Preview(id), paths.Thumbnail(id) })
                if (File.Exists(path)) { bytes = await File.ReadAllBytesAsync(path, ct); break; }
        }
        if (bytes is null) throw Problems.NotFound($"Job {id} has no preview yet.");
        return TypedResults.File(bytes, "image/jpeg");
    }

    /// <summary>The history's picture: the first rendered frame, or the uploaded photo before there is one.</summary>
    public static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> ThumbnailAsync(
        string id, ClaimsPrincipal user, JobQueries queries, StoragePaths paths, CancellationToken ct)
    {
        var job = await FindEntityAsync(id, queries, ct);
        user.EnsureCanRead(id, job.OwnerId);
        if (job.ThumbnailPath is { } thumb && File.Exists(paths.Absolute(thumb)))
            return TypedResults.PhysicalFile(paths.Absolute(thumb), "image/jpeg");
        var image = paths.Absolute(job.ImagePath);
        if (!File.Exists(image)) throw Problems.NotFound($"Job {id} has no picture.");
        var type = Path.GetExtension(image) switch { ".png" => "image/png", ".webp" => "image/webp", _ => "image/jpeg" };
        return TypedResults.PhysicalFile(image, type);
    }

    /// <summary>404 for an unknown id, 403 when the caller may not change this job.</summary>
    private static async Task EnsureCanActAsync(string id, ClaimsPrincipal user, JobQueries queries, CancellationToken ct) =>
        user.EnsureCanAct(id, (await FindEntityAsync(id, queries, ct)).OwnerId);

    private static void CheckId(string id)
    {
        if (!StoragePaths.IsValidJobId(id)) throw Problems.NotFound($"There is no job '{id}'.");
    }

    private static async Task<JobView> FindAsync(string id, JobQueries queries, CancellationToken ct)
    {
        CheckId(id);
        return await queries.GetAsync(id, ct) ?? throw Problems.NotFound($"There is no job '{id}'.");
    }

    private static async Task<Job> FindEntityAsync(string id, JobQueries queries, CancellationToken ct)
    {
        CheckId(id);
        return await queries.GetEntityAsync(id, ct) ?? throw Problems.NotFound($"There is no job '{id}'.");
    }

    private static string SafeFileName(string name)
    {
        var clean = new string(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or ' ' ? c : '_').ToArray()).Trim();
        return clean.Length == 0 ? "video" : clean.Length > 80 ? clean[..80] : clean;
    }
}
