using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SonicWeb.Data;
using SonicWeb.Engine.Errors;
using SonicWeb.Jobs;
using SonicWeb.Jobs.Finishing;
using SonicWeb.Jobs.Submission;
using SonicWeb.Jobs.Transport;
using SonicWeb.Storage;

namespace SonicWeb.Api;

/// <summary>The finished result in the shape Sonic's own clients (ComfyUI workflows, scripts) expect.</summary>
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
            .RequireAuthorization(SonicWeb.Accounts.Policies.Submit);

    public static async Task<Results<Ok<SonicGenerateResult>, Accepted<SonicGenerateResult>, ProblemHttpResult>> GenerateAsync(
        HttpContext http, double? wait, JobSubmission submission, JobQueries queries, IJobEvents events, StoragePaths paths,
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
                return TypedResults.Ok(Result(job, entity?.OutputPath is { } rel ? paths.Absolute(rel) : null));
            case JobStatus.Failed or JobStatus.Cancelled:
                var code = job.Error?.Code ?? EngineErrorCodes.Internal;
                return TypedResults.Problem(detail: job.Error?.Message ?? job.Status.ToString(),
                    statusCode: EngineErrorCodes.IsBadInput(code) ? 422 : 500, title: $"The job {job.Status.ToString().ToLowerInvariant()}",
                    extensions: new Dictionary<string, object?> { ["code"] = code, ["task_id"] = job.Id, ["status_url"] = job.Links.Self });
            default:
                return TypedResults.Accepted(job.Links.Self, Result(job, null));
        }
    }

    private static SonicGenerateResult Result(JobView job, string? outputPath) => new(
        job.Status == JobStatus.Succeeded, job.Id, job.Status.ToString(),
        job.Status == JobStatus.Succeeded ? job.Links.Video : null, outputPath, job.Links.Self, job.QueuePosition, job.EstimateSeconds);
}
