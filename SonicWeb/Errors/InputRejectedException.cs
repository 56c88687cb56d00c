using SonicWeb.Engine.Errors;
using SonicWeb.Hosting;

namespace SonicWeb.Errors;

/// <summary>
/// The inputs cannot be used: a parameter, a file, a name. <see cref="DomainException.Code"/> is one of
/// the stable codes (the engine's, such as no_face or invalid_parameter, or the app's, such as
/// duplicate_name); <see cref="Errors"/> lists the problems per field when there are several.
/// </summary>
public sealed class InputRejectedException(string code, string message, IDictionary<string, string[]>? errors = null, InputProblem? problem = null)
    : DomainException(code, message)
{
    public const string BadRequestCode = "bad_request";

    public InputProblem Problem { get; } = problem ?? ProblemFor(code);

    public IDictionary<string, string[]>? Errors { get; } = errors;

    /// <summary>One field's problem, named under that field (code invalid_parameter unless given).</summary>
    public static InputRejectedException Field(string field, string message, string code = EngineErrorCodes.InvalidParameter) =>
        new(code, message, new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>A malformed request (not a parameter's value): code bad_request.</summary>
    public static InputRejectedException BadRequest(string message) => new(BadRequestCode, message);

    /// <summary>An input the engine refused, with its code and message (the setting it broke named as the app names it).</summary>
    public static InputRejectedException From(SonicEngineException e) => new(e.Code, EngineSettingNames.Describe(e));

    /// <summary>The kind of problem an engine code stands for.</summary>
    public static InputProblem ProblemFor(string code) => code switch
    {
        EngineErrorCodes.UnsupportedImage or EngineErrorCodes.UnsupportedAudio => InputProblem.UnsupportedType,
        EngineErrorCodes.FileTooLarge => InputProblem.TooLarge,
        EngineErrorCodes.NoFace or EngineErrorCodes.FaceTooSmall or EngineErrorCodes.ImageTooLarge
            or EngineErrorCodes.AudioTooLong or EngineErrorCodes.AudioEmpty => InputProblem.Unusable,
        _ => InputProblem.Invalid,
    };
}
