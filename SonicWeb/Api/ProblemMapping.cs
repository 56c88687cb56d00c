using Microsoft.AspNetCore.Http.HttpResults;
using SonicWeb.Engine.Errors;
using SonicWeb.Errors;
using SonicWeb.Hosting;

namespace SonicWeb.Api;

/// <summary>
/// The one place where the app's refusals become HTTP: each domain error and each engine error code
/// gets its status, and the answer is ProblemDetails with the stable code in "code" (and per-field
/// problems in "errors"). Services never choose a status; <see cref="ApiProblemFilter"/> applies this
/// to every API endpoint.
/// </summary>
public static class ProblemMapping
{
    /// <summary>HTTP status for an engine error code: bad input is 4xx, a missing model or ffmpeg 503, other faults 500.</summary>
    public static int StatusFor(string engineCode) => engineCode switch
    {
        EngineErrorCodes.ModelMissing or EngineErrorCodes.FfmpegMissing or EngineErrorCodes.BackendUnavailable => StatusCodes.Status503ServiceUnavailable,
        _ when EngineErrorCodes.IsBadInput(engineCode) => StatusFor(InputRejectedException.ProblemFor(engineCode)),
        _ => StatusCodes.Status500InternalServerError,
    };

    public static int StatusFor(InputProblem problem) => problem switch
    {
        InputProblem.TooLarge => StatusCodes.Status413PayloadTooLarge,
        InputProblem.UnsupportedType => StatusCodes.Status415UnsupportedMediaType,
        InputProblem.Unusable => StatusCodes.Status422UnprocessableEntity,
        _ => StatusCodes.Status400BadRequest,
    };

    public static int StatusFor(DomainException e) => e switch
    {
        NotFoundException => StatusCodes.Status404NotFound,
        GoneException => StatusCodes.Status410Gone,
        InvalidStateException => StatusCodes.Status409Conflict,
        ForbiddenException => StatusCodes.Status403Forbidden,
        InputRejectedException input => StatusFor(input.Problem),
        CapacityExceededException => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status400BadRequest,
    };

    public static string TitleFor(int status) => status switch
    {
        400 => "The request has invalid parameters",
        401 => "Sign-in required",
        403 => "Not allowed",
        404 => "Not found",
        409 => "The job is not in a state that allows this",
        410 => "Removed under the retention policy",
        413 => "The upload is too large",
        415 => "Unsupported file type",
        422 => "The inputs cannot be used",
        429 => "Too many requests",
        503 => "The service is not ready",
        _ => "The request failed",
    };

    /// <summary>The ProblemDetails answer for a refusal a service threw.</summary>
    public static ProblemHttpResult ToResult(DomainException e) =>
        Problem(StatusFor(e), e.Code, e.Message, (e as InputRejectedException)?.Errors);

    /// <summary>The ProblemDetails answer for an engine error (its message naming the setting's key).</summary>
    public static ProblemHttpResult ToResult(SonicEngineException e) =>
        Problem(StatusFor(e.Code), e.Code, EngineSettingNames.Describe(e), null);

    private static ProblemHttpResult Problem(int status, string code, string message, IDictionary<string, string[]>? errors)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = code };
        if (errors is { Count: > 0 }) extensions["errors"] = errors;
        return TypedResults.Problem(detail: message, statusCode: status, title: TitleFor(status), extensions: extensions);
    }
}
