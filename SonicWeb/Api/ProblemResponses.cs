using System.ComponentModel;
using System.Text.Json.Serialization;

namespace SonicWeb.Api;

/// <summary>
/// The ProblemDetails body every refusal has (RFC 9457 fields plus SonicWeb's), as the OpenAPI document
/// describes it. Written by the framework's problem-details writer; this type only documents it. Only
/// <c>title</c> and <c>status</c> are always there (a refusal by the sign-in or the rate limiter carries
/// no <c>code</c>), so the other fields are optional.
/// </summary>
[Description("A refusal (RFC 9457 ProblemDetails). 'code' is SonicWeb's stable error code: invalid_parameter, no_face, face_too_small, "
    + "unsupported_image, unsupported_audio, image_too_large, file_too_large, audio_too_long, audio_empty, bad_request, duplicate_name, invalid_batch, "
    + "callback_refused, unauthenticated, forbidden, not_found, invalid_state, expired, link_expired, queue_full, too_many_unfinished_jobs, "
    + "rate_limited, backend_unavailable, model_missing, ffmpeg_missing; 'errors' names the fields at fault.")]
public record ApiProblem(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("type")] string? Type = null,
    [property: JsonPropertyName("detail")] string? Detail = null,
    [property: JsonPropertyName("instance")] string? Instance = null,
    [property: JsonPropertyName("code")] string? Code = null,
    [property: JsonPropertyName("errors")] IDictionary<string, string[]>? Errors = null,
    [property: JsonPropertyName("traceId")] string? TraceId = null);

/// <summary>
/// A refusal of /api/sonic/generate: the ProblemDetails fields plus the old service's <c>success: false</c>
/// and <c>error</c> (the message again), and for a job that failed its id and status URL.
/// </summary>
[Description("A refusal of the compatibility endpoint: ProblemDetails plus the old service's 'success' (always false) and 'error' (the message); "
    + "a job that failed or was cancelled within ?wait= also gives its 'task_id' and 'status_url'.")]
public sealed record CompatProblem(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("type")] string? Type = null,
    [property: JsonPropertyName("detail")] string? Detail = null,
    [property: JsonPropertyName("instance")] string? Instance = null,
    [property: JsonPropertyName("code")] string? Code = null,
    [property: JsonPropertyName("errors")] IDictionary<string, string[]>? Errors = null,
    [property: JsonPropertyName("traceId")] string? TraceId = null,
    [property: JsonPropertyName("task_id")] string? TaskId = null,
    [property: JsonPropertyName("status_url")] string? StatusUrl = null);

/// <summary>
/// Declares in the OpenAPI document the ProblemDetails answers an endpoint can give (the handlers return
/// them through <see cref="ApiProblemFilter"/>, which the document generator cannot see), so a generated
/// client knows every status and its body. The lists say which refusals each kind of endpoint has; every
/// /api endpoint may also answer 429 (RateLimits:*), added by <see cref="DocumentsProblems{TBuilder}"/>.
/// </summary>
public static class ProblemResponses
{
    /// <summary>Endpoints that read an upload and queue work: bad or unusable files, size, type, the queue limits, a backend that is down.</summary>
    public static readonly int[] Submit = [400, 401, 403, 413, 415, 422, 503];

    /// <summary>Reading one job or batch (or its files): unknown, someone else's, or removed by the retention policy.</summary>
    public static readonly int[] ReadOne = [401, 403, 404, 410];

    /// <summary>Acting on one job: besides <see cref="ReadOne"/>, a state that does not allow it (409).</summary>
    public static readonly int[] ActOnJob = [401, 403, 404, 409, 410];

    /// <summary>Changing presets (admins only): a bad field or a duplicate name (400), an unknown preset (404).</summary>
    public static readonly int[] AdminChange = [400, 401, 403, 404];

    public static TBuilder DocumentsProblems<TBuilder>(this TBuilder builder, params int[] statuses) where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses.Append(429).Distinct())
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ApiProblem), ["application/problem+json"]));
        return builder;
    }

    /// <summary>The compatibility endpoint's refusals, which also carry the old <c>success</c> and <c>error</c> fields.</summary>
    public static TBuilder DocumentsCompatProblems<TBuilder>(this TBuilder builder, params int[] statuses) where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses.Append(429).Distinct())
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(CompatProblem), ["application/problem+json"]));
        return builder;
    }
}
