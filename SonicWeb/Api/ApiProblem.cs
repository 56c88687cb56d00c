using Microsoft.AspNetCore.Http.HttpResults;
using SonicWeb.Engine.Errors;

namespace SonicWeb.Api;

/// <summary>
/// A request the API refuses, with the HTTP status, a stable code (the engine's codes, plus a few of
/// the web app's) and a message for the user. Turned into ProblemDetails by <see cref="Problems"/>.
/// </summary>
public sealed class ApiProblemException(int status, string code, string message, IDictionary<string, string[]>? errors = null)
    : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public IDictionary<string, string[]>? Errors { get; } = errors;
}

public static class Problems
{
    public const string NotFoundCode = "not_found";
    public const string ConflictCode = "invalid_state";
    public const string BadRequestCode = "bad_request";

    /// <summary>HTTP status for an engine error code raised while checking an upload.</summary>
    public static int StatusFor(string code) => code switch
    {
        EngineErrorCodes.UnsupportedImage or EngineErrorCodes.UnsupportedAudio => StatusCodes.Status415UnsupportedMediaType,
        EngineErrorCodes.FileTooLarge => StatusCodes.Status413PayloadTooLarge,
        EngineErrorCodes.InvalidParameter => StatusCodes.Status400BadRequest,
        EngineErrorCodes.NoFace or EngineErrorCodes.FaceTooSmall or EngineErrorCodes.ImageTooLarge
            or EngineErrorCodes.AudioTooLong or EngineErrorCodes.AudioEmpty => StatusCodes.Status422UnprocessableEntity,
        EngineErrorCodes.ModelMissing or EngineErrorCodes.FfmpegMissing => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static string TitleFor(int status) => status switch
    {
        400 => "The request has invalid parameters",
        401 => "Sign-in required",
        403 => "Not allowed",
        404 => "Not found",
        409 => "The job is not in a state that allows this",
        413 => "The upload is too large",
        415 => "Unsupported file type",
        422 => "The inputs cannot be used",
        503 => "The service is not ready",
        _ => "The request failed",
    };

    public static ApiProblemException From(SonicEngineException e) => new(StatusFor(e.Code), e.Code, e.Message);

    public static ApiProblemException NotFound(string what) => new(404, NotFoundCode, what);

    public static ApiProblemException Conflict(string message) => new(409, ConflictCode, message);

    public static ApiProblemException BadRequest(string message) => new(400, BadRequestCode, message);

    /// <summary>ProblemDetails body with the code in the "code" extension (and per-field errors when there are some).</summary>
    public static ProblemHttpResult ToResult(ApiProblemException p)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = p.Code };
        if (p.Errors is { Count: > 0 }) extensions["errors"] = p.Errors;
        return TypedResults.Problem(detail: p.Message, statusCode: p.Status, title: TitleFor(p.Status), extensions: extensions);
    }
}
