namespace SonicWeb.Engine.Errors;

/// <summary>
/// The one exception type the engine throws on purpose. <see cref="Code"/> is one of
/// <see cref="EngineErrorCodes"/>; <see cref="Exception.Message"/> is written for the end user: it names
/// the problem and, where there is one, the limit.
/// </summary>
public class SonicEngineException : Exception
{
    public SonicEngineException(string code, string message, Exception? inner = null) : base(message, inner)
        => Code = code;

    public string Code { get; }

    public bool IsBadInput => EngineErrorCodes.IsBadInput(Code);
}
