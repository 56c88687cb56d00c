using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SonicWeb.Engine.Backends;
using SonicWeb.Accounts;
using SonicWeb.Data;
using SonicWeb.Engine.Errors;
using SonicWeb.Errors;
using SonicWeb.Jobs;
using SonicWeb.Jobs.Lifecycle;
using SonicWeb.Jobs.Submission;
using SonicWeb.Links;
using SonicWeb.Presets;
using SonicWeb.Reliability;
using SonicWeb.Storage;
using SonicWeb.Webhooks;

using SonicWeb.Api.OpenApi;

namespace SonicWeb.Api;

/// <summary>
/// /api/jobs: submit, list, inspect, cancel, retry, re-run, delete, and the job's files. Every call
/// needs a signed-in user or an API key. Handlers parse the request and call the services with the
/// caller; the services check the job against the caller (<see cref="JobAccess"/>) and refuse with
/// domain errors, which <see cref="ApiProblemFilter"/> answers as ProblemDetails.
/// </summary>
public static class JobsApi
{
    public static RouteGroupBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/jobs").WithTags("Jobs").AddEndpointFilter<ApiProblemFilter>().RequireAuthorization();
        group.MapPost("/", SubmitAsync).WithName("SubmitJob").RequireAuthorization(Policies.Submit)
            .DocumentsProblems(ProblemResponses.Submit).DocumentsBody<JobSubmissionForm>("multipart/form-data")
            .WithSummary("Queue a video: multipart with 'image', 'audio' and parameters as form fields or a JSON 'config' field.");
        group.MapGet("/", ListAsync).WithName("ListJobs").DocumentsProblems(400, 401)
            .WithSummary("The team's jobs, newest first: filter by status, review, text (q), created from/to; sort by created, name, submitter, status, audio, generation ('-' for descending); page and pageSize (at most 100).");
        group.MapGet("/zip", ZipAsync).WithName("GetJobsZip").DocumentsProblems(400, 401, 403, 404).Produces(200, typeof(Stream), "application/zip")
            .WithSummary("A zip of the chosen jobs' finished videos (?ids=<id>&ids=<id>, at most 100), named after the jobs; jobs without a video are left out.");
        group.MapGet("/{id}", GetAsync).WithName("GetJob").DocumentsProblems(ProblemResponses.ReadOne)
            .WithSummary("One job: status, stage, progress, estimate, parameters, error, review, links and signed links that work without credentials until signedLinks.expiresAt.");
        group.MapPost("/{id}/cancel", CancelAsync).WithName("CancelJob").DocumentsProblems(ProblemResponses.ActOnJob)
            .WithSummary("Cancel a job that is checking, waiting, queued or running (409 once it finished).");
        group.MapPost("/{id}/retry", RetryAsync).WithName("RetryJob").DocumentsProblems([.. ProblemResponses.ActOnJob, 503])
            .WithSummary("Put a failed or cancelled job back in the queue with the same inputs (429 when the queue limits are reached).");
        group.MapPost("/{id}/confirm", ConfirmAsync).WithName("ConfirmJob").DocumentsProblems(ProblemResponses.ActOnJob)
            .WithSummary("Queue the full render of a job submitted with preview_first=true (status AwaitingConfirmation).");
        group.MapPost("/{id}/rerun", RerunAsync).WithName("RerunJob").DocumentsProblems([.. ProblemResponses.ActOnJob, 503])
            .WithSummary("A new job with the same inputs and parameters (a new seed unless one was set).");
        group.MapDelete("/{id}", DeleteAsync).WithName("DeleteJob").DocumentsProblems(ProblemResponses.ActOnJob)
            .WithSummary("Delete the job and its files (a running job is stopped first); its signed links stop working.");
        group.MapGet("/{id}/video", VideoAsync).WithName("GetJobVideo").DocumentsProblems(ProblemResponses.ReadOne)
            .WithSummary("The MP4 (H.264 + AAC), with range requests; ?download=1 adds a file name. 404 until the job succeeded, 410 once the retention policy removed it.")
            .Produces(200, typeof(Stream), "video/mp4").Produces(206, typeof(Stream), "video/mp4");
        group.MapGet("/{id}/preview", PreviewAsync).WithName("GetJobPreview").DocumentsProblems(ProblemResponses.ReadOne)
            .WithSummary("The newest preview frame of a running job, or the last one saved (404 before the first).").Produces(200, typeof(Stream), "image/jpeg");
        group.MapGet("/{id}/thumbnail", ThumbnailAsync).WithName("GetJobThumbnail").DocumentsProblems(ProblemResponses.ReadOne)
            .WithSummary("The first rendered frame, or the uploaded photo before there is one.").Produces(200, typeof(Stream), "image/jpeg", "image/png", "image/webp");
        return group;
    }

    /// <summary>
    /// Reads the multipart upload, applies a preset, binds the parameters and submits the job (shared with
    /// the compatibility endpoint). The staged files are deleted whatever happens (accepted ones have moved).
    /// </summary>
    public static async Task<JobView> AcceptUploadAsync(HttpContext http, JobSubmission submission, CancellationToken ct)
    {
        var services = http.RequestServices;
        // Counted from before the body is read: a burst of uploads is visible to the first one finished.
        using var inFlight = services.GetRequiredService<UploadAdmission>().BeginUpload();
        var paths = services.GetRequiredService<StoragePaths>();
        var storage = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        await using var form = await UploadReader.ReadAsync(http.Request, paths.NewStagingFolder(), storage.MaxUploadBytes, ct);
        await services.GetRequiredService<PresetService>().ApplyAsync(form.Fields, ct); // preset=<name>: its parameters under the ones sent

        var image = form.Files.GetValueOrDefault(UploadForm.ImageField);
        var audio = form.Files.GetValueOrDefault(UploadForm.AudioField);
        var missing = new Dictionary<string, string[]>();
        if (image is null) missing[UploadForm.ImageField] = ["Attach a portrait photo in the field 'image' (PNG, JPEG or WebP)."];
        if (audio is null) missing[UploadForm.AudioField] = ["Attach a voice recording in the field 'audio' (WAV, MP3, M4A, OGG, FLAC)."];
        if (image is null || audio is null)
            throw new InputRejectedException(EngineErrorCodes.InvalidParameter, string.Join(" ", missing.Values.SelectMany(v => v)), missing);

        var choices = SubmitOptions.From(form.Fields);
        var parameters = ParameterBinder.Bind(form.Fields, services.GetRequiredService<GenerationBackends>().ParameterDefaultsFor(choices.Backend));
        var callback = await services.GetRequiredService<CallbackChoice>().ForSubmissionAsync(choices.CallbackUrl, http.User, ct);
        return await submission.SubmitAsync(new SubmitJob(image, audio, parameters, http.User.AsJobOwner(),
            Name: form.Fields.GetValueOrDefault("name"), Submitter: form.Fields.GetValueOrDefault("submitter"), PreviewFirst: choices.PreviewFirst,
            Backend: choices.Backend, CallbackUrl: callback), ct);
    }

    public static async Task<Results<Accepted<JobView>, ProblemHttpResult>> SubmitAsync(HttpContext http, JobSubmission submission, ProgramLinks links, CancellationToken ct)
    {
        var job = await AcceptUploadAsync(http, submission, ct);
        return TypedResults.Accepted(job.Links.Self, links.AddTo(http.Request, job));
    }

    /// <summary>Everyone signed in sees the team's list; jobs the caller may not open appear as a summary.</summary>
    public static async Task<Results<Ok<JobListPage>, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal user, JobQueries queries, string? status, string? review, string? q, DateTime? from, DateTime? to, string? sort, int? page, int? pageSize, CancellationToken ct)
    {
        JobStatus? parsed = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!Enum.TryParse<JobStatus>(status, ignoreCase: true, out var s) || !Enum.IsDefined(s) || char.IsDigit(status[0]))
                throw InputRejectedException.BadRequest($"status is '{status}'; it must be one of {string.Join(", ", Enum.GetNames<JobStatus>())}.");
            parsed = s;
        }
        Reviews.ReviewState? reviewState = null;
        if (!string.IsNullOrWhiteSpace(review))
        {
            if (!Reviews.JobReview.TryParse(review, out var r))
                throw InputRejectedException.BadRequest($"review is '{review}'; it must be one of none, pending, approved, changes_requested.");
            reviewState = r;
        }
        if (sort is { Length: > 0 } && !JobListQuery.SortKeys.Contains(sort.TrimStart('-').ToLowerInvariant()))
            throw InputRejectedException.BadRequest($"sort is '{sort}'; it must be one of {string.Join(", ", JobListQuery.SortKeys)} (prefix '-' for descending).");
        return TypedResults.Ok(await queries.ListForAsync(new JobListQuery
        {
            Status = parsed, Review = reviewState, Text = q, From = from?.ToUniversalTime(), To = to?.ToUniversalTime(), Sort = sort,
            Page = page ?? 1, PageSize = pageSize ?? 20,
        }, user, ct));
    }

    /// <summary>The job, with signed links to its files that work without credentials until <c>signedLinks.expiresAt</c>.</summary>
    public static async Task<Results<Ok<JobView>, ProblemHttpResult>> GetAsync(string id, HttpContext http, JobQueries queries, ProgramLinks links, CancellationToken ct) =>
        TypedResults.Ok(links.AddTo(http.Request, await queries.GetForAsync(id, http.User, ct)));

    public static async Task<Results<Ok<JobView>, ProblemHttpResult>> CancelAsync(string id, ClaimsPrincipal user, JobLifecycle jobs, CancellationToken ct) =>
        TypedResults.Ok(await jobs.CancelAsync(new CancelJob(id, user), ct));

    public static async Task<Results<Ok<JobView>, ProblemHttpResult>> ConfirmAsync(string id, ClaimsPrincipal user, JobLifecycle jobs, CancellationToken ct) =>
        TypedResults.Ok(await jobs.ConfirmAsync(new ConfirmJob(id, user), ct));

    public static async Task<Results<Ok<JobView>, ProblemHttpResult>> RetryAsync(string id, ClaimsPrincipal user, JobLifecycle jobs, CancellationToken ct) =>
        TypedResults.Ok(await jobs.RetryAsync(new RetryJob(id, user), ct));

    public static async Task<Results<Accepted<JobView>, ProblemHttpResult>> RerunAsync(string id, ClaimsPrincipal user, JobLifecycle jobs, CancellationToken ct)
    {
        var job = await jobs.RerunAsync(new RerunJob(id, user), ct);
        return TypedResults.Accepted(job.Links.Self, job);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, ClaimsPrincipal user, JobLifecycle jobs, CancellationToken ct)
    {
        await jobs.DeleteAsync(new DeleteJob(id, user), ct);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// The history's "download as zip": the videos of the chosen jobs, streamed. Every job must exist and be one
    /// the caller may open (404/403 name the first that is not); jobs that have no video are left out, and when
    /// none has one the answer is 404.
    /// </summary>
    public static async Task<Results<EmptyHttpResult, ProblemHttpResult>> ZipAsync(
        string[]? ids, HttpContext http, JobQueries queries, StoragePaths paths, CancellationToken ct)
    {
        var wanted = (ids ?? []).SelectMany(i => i.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct().ToList();
        if (wanted.Count == 0) throw InputRejectedException.BadRequest("Name the jobs whose videos you want: ?ids=<job id>&ids=<job id>.");
        if (wanted.Count > JobListQuery.MaxPageSize)
            throw InputRejectedException.BadRequest($"{wanted.Count} jobs were named; one zip holds at most {JobListQuery.MaxPageSize} videos.");
        var jobs = await queries.GetEntitiesForAsync(wanted, http.User, ct);
        var videos = jobs.Where(j => j.Status == JobStatus.Succeeded && j.OutputPath != null && File.Exists(paths.Absolute(j.OutputPath)))
            .Select(j => new ZipVideo(j.Name, paths.Absolute(j.OutputPath!), j.FinishedAt ?? j.CreatedAt)).ToList();
        if (videos.Count == 0) throw new NotFoundException($"None of the {wanted.Count} chosen job(s) has a finished video.");
        await VideoZip.WriteAsync(http, $"sonicweb-{videos.Count}-videos", videos, ct);
        return TypedResults.Empty;
    }

    /// <summary>The MP4, with range requests (seeking in the player); ?download=1 adds a file name.</summary>
    public static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> VideoAsync(
        string id, string? download, HttpContext http, JobQueries queries, StoragePaths paths, FileLeases leases, CancellationToken ct)
    {
        // The lease before the row: the retention sweep marks a job expired before it looks for leases, so either
        // this request sees the mark (410) or the sweep sees the lease and keeps the file until the response ends.
        http.Response.RegisterForDispose(leases.Acquire(id));
        return JobFiles.Video(await queries.GetEntityForAsync(id, http.User, ct), paths, download is "1" or "true");
    }

    /// <summary>The newest preview frame of a running job (or the last one saved), read from storage so any web node can serve it.</summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> PreviewAsync(
        string id, HttpContext http, JobQueries queries, StoragePaths paths, CancellationToken ct)
    {
        await queries.GetEntityForAsync(id, http.User, ct);
        return await JobFiles.PreviewAsync(id, http, paths, ct);
    }

    /// <summary>The history's picture: the first rendered frame, or the uploaded photo before there is one.</summary>
    public static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> ThumbnailAsync(
        string id, ClaimsPrincipal user, JobQueries queries, StoragePaths paths, CancellationToken ct) =>
        JobFiles.Thumbnail(await queries.GetEntityForAsync(id, user, ct), paths);
}
