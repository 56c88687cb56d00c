namespace SonicWeb.Engine.Errors;

/// <summary>
/// The one exception type the engine throws on purpose. <see cref="Code"/> is one of
/// <see cref="EngineErrorCodes"/>; <see cref="Exception.Message"/> is written for the end user: it names
/// the problem and, where there is one, the limit and its value.
/// </summary>
public class SonicEngineException : Exception
{
    public SonicEngineException(string code, string message, Exception? inner = null) : base(message, inner)
        => Code = code;

    public string Code { get; }

    /// <summary>
    /// The engine setting whose limit the input broke, as its path inside <c>EngineOptions</c>
    /// ("MinFaceSizePixels", "Limits:MaxAudioSeconds"); null when no setting is involved. The engine
    /// does not know how its host names settings: the host adds its own name for it (a configuration
    /// key, a field on a page) where it shows the message.
    /// </summary>
    public string? Setting { get; init; }

    public bool IsBadInput => EngineErrorCodes.IsBadInput(Code);
}
