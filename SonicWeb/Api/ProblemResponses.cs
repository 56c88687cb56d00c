using System.Text.Json.Serialization;

namespace SonicWeb.Api;

/// <summary>
/// The ProblemDetails body every refusal has (RFC 9457 fields plus SonicWeb's), as the OpenAPI document
/// describes it. Written by the framework's problem-details writer; this type only documents it.
/// </summary>
/// <param name="Code">SonicWeb's stable error code (e.g. invalid_parameter, no_face, link_expired).</param>
/// <param name="Errors">Per-field problems, when the input had several.</param>
/// <param name="Success">Only on /api/sonic/generate: always false (the old service's field).</param>
/// <param name="Error">Only on /api/sonic/generate: the message again, under the old service's name.</param>
public sealed record ApiProblem(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("title")] string? Title,
    [property: JsonPropertyName("status")] int? Status,
    [property: JsonPropertyName("detail")] string? Detail,
    [property: JsonPropertyName("instance")] string? Instance,
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("errors")] IDictionary<string, string[]>? Errors,
    [property: JsonPropertyName("traceId")] string? TraceId,
    [property: JsonPropertyName("success")] bool? Success,
    [property: JsonPropertyName("error")] string? Error);

/// <summary>
/// Declares in the OpenAPI document the ProblemDetails answers an endpoint can give (the handlers return
/// them through <see cref="ApiProblemFilter"/>, which the document generator cannot see), so a generated
/// client knows every status and its body.
/// </summary>
public static class ProblemResponses
{
    /// <summary>What an endpoint that reads an upload may answer besides success.</summary>
    public static readonly int[] Upload = [400, 401, 403, 413, 415, 422, 503];

    /// <summary>What an endpoint acting on one job may answer besides success.</summary>
    public static readonly int[] OnJob = [400, 401, 403, 404, 409];

    public static TBuilder DocumentsProblems<TBuilder>(this TBuilder builder, params int[] statuses) where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses.Distinct())
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ApiProblem), ["application/problem+json"]));
        return builder;
    }
}
