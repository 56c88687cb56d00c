using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SonicWeb.Data;
using SonicWeb.Engine.Errors;
using SonicWeb.Jobs;
using SonicWeb.Jobs.Finishing;
using SonicWeb.Jobs.Submission;
using SonicWeb.Jobs.Transport;
using SonicWeb.Links;

using SonicWeb.Api.OpenApi;

namespace SonicWeb.Api;

/// <summary>
/// The result in the shape Sonic's own clients (ComfyUI workflows, scripts) expect. <c>video_url</c> is an
/// absolute signed link that works without credentials until it expires (Links:LifetimeSeconds);
/// <c>output_path</c> is the video's path relative to the server's storage root (e.g.
/// "outputs/&lt;task_id&gt;/video.mp4"), for programs that share that directory, never a path outside it.
/// Errors are ProblemDetails that also carry the old <c>success: false</c> and <c>error</c> fields.
/// </summary>
public sealed record SonicGenerateResult(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("task_id")] string TaskId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("video_url")] string? VideoUrl,
    [property: JsonPropertyName("output_path")] string? OutputPath,
    [property: JsonPropertyName("status_url")] string StatusUrl,
    [property: JsonPropertyName("queue_position")] int? QueuePosition,
    [property: JsonPropertyName("estimate_seconds")] double EstimateSeconds);

/// <summary>
/// POST /api/sonic/generate (multipart audio, image, config JSON with the API's parameter names). With
/// ?wait=S it answers 200 with the result if the job finishes within S seconds (at most
/// Jobs:MaxWaitSeconds), otherwise 202 with the task id and status URL: never a timeout.
/// </summary>
public static class SonicCompatApi
{
    public static RouteHandlerBuilder MapSonicCompatApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/sonic/generate", GenerateAsync).WithTags("Compatibility").WithName("SonicGenerate").AddEndpointFilter<ApiProblemFilter>()
            .RequireAuthorization(SonicWeb.Accounts.Policies.Submit).DocumentsCompatProblems([.. ProblemResponses.Submit, 500])
            .DocumentsBody<SonicGenerateForm>("multipart/form-data")
            .WithSummary("The original Sonic service's call: multipart 'image', 'audio' and a JSON 'config'. With ?wait=S (at most Jobs:MaxWaitSeconds) "
                + "200 with the result if the job finishes in time, else 202 with task_id and status_url; errors also carry the old 'success' and 'error' fields.");

    public static async Task<Results<Ok<SonicGenerateResult>, Accepted<SonicGenerateResult>, ProblemHttpResult>> GenerateAsync(
        HttpContext http, double? wait, JobSubmission submission, JobQueries queries, IJobEvents events, ProgramLinks links,
        IOptions<JobOptions> options, CancellationToken ct)
    {
        var job = await JobsApi.AcceptUploadAsync(http, submission, ct);
        var waitFor = TimeSpan.FromSeconds(Math.Clamp(wait ?? 0, 0, options.Value.MaxWaitSeconds));
        if (waitFor > TimeSpan.Zero && job.Status is JobStatus.Checking or JobStatus.Queued or JobStatus.Running)
        {
            using var waiter = new JobFinishedWaiter(events, job.Id);
            job = await queries.GetAsync(job.Id, ct) ?? job; // it may have finished before we started waiting
            if (job.Status is JobStatus.Checking or JobStatus.Queued or JobStatus.Running)
            {
                await waiter.WaitAsync(waitFor, ct);
                job = await queries.GetAsync(job.Id, ct) ?? job;
            }
        }

        switch (job.Status)
        {
            case JobStatus.Succeeded:
                var entity = await queries.GetEntityAsync(job.Id, ct);
                return TypedResults.Ok(Result(job, links.For(http.Request, job.Id).Video, StorageRelative(entity?.OutputPath)));
            case JobStatus.Failed or JobStatus.Cancelled:
                var code = job.Error?.Code ?? EngineErrorCodes.Internal;
                return TypedResults.Problem(detail: job.Error?.Message ?? job.Status.ToString(),
                    statusCode: EngineErrorCodes.IsBadInput(code) ? 422 : 500, title: $"The job {job.Status.ToString().ToLowerInvariant()}",
                    extensions: new Dictionary<string, object?> { ["code"] = code, ["task_id"] = job.Id, ["status_url"] = job.Links.Self });
            default:
                return TypedResults.Accepted(job.Links.Self, Result(job, null, null));
        }
    }

    private static SonicGenerateResult Result(JobView job, string? videoUrl, string? outputPath) => new(
        job.Status == JobStatus.Succeeded, job.Id, job.Status.ToString(), videoUrl, outputPath, job.Links.Self, job.QueuePosition, job.EstimateSeconds);

    /// <summary>The stored path (relative to the storage root) with '/' separators; null if it would leave the root.</summary>
    private static string? StorageRelative(string? stored)
    {
        if (stored is null || Path.IsPathRooted(stored)) return null;
        var parts = stored.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Any(p => p is ".." or ".") ? null : string.Join('/', parts);
    }

    /// <summary>
    /// Old clients read <c>error</c> (and <c>success</c>) from a failed answer: every ProblemDetails on this
    /// endpoint (refused input, sign-in, a failed job) carries them besides the standard fields.
    /// </summary>
    public static void AddOldErrorFields(ProblemDetailsContext context)
    {
        if (!context.HttpContext.Request.Path.StartsWithSegments("/api/sonic")) return;
        context.ProblemDetails.Extensions["success"] = false;
        context.ProblemDetails.Extensions["error"] = context.ProblemDetails.Detail ?? context.ProblemDetails.Title ?? "The request failed.";
    }
}
