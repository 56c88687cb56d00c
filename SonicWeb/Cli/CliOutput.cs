using System.Text.Json;
using System.Text.Json.Serialization;
using SonicWeb.Engine.Errors;

namespace SonicWeb.Cli;

/// <summary>
/// Writes results and errors for people (stderr/stdout text) or programs (--json: exactly one JSON
/// object on stdout). Exit codes: 0 success, 2 bad input, 1 internal fault, 130 cancelled.
/// </summary>
internal sealed class CliOutput(bool json, TextWriter stdout, TextWriter stderr)
{
    public const int Success = 0;
    public const int InternalFault = 1;
    public const int BadInput = 2;
    public const int Cancelled = 130;

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public bool IsJson => json;

    public void Info(string line)
    {
        if (!json) stderr.WriteLine(line);
    }

    public int Result(object value, string humanText)
    {
        if (json) stdout.WriteLine(JsonSerializer.Serialize(value, JsonOptions));
        else stdout.WriteLine(humanText);
        return Success;
    }

    public int Error(string code, string message)
    {
        if (json) stdout.WriteLine(JsonSerializer.Serialize(new { error = new { code, message } }, JsonOptions));
        else stderr.WriteLine($"error ({code}): {message}");
        return code == EngineErrorCodes.Cancelled ? Cancelled
            : EngineErrorCodes.IsBadInput(code) ? BadInput
            : InternalFault;
    }

    public int Error(Exception e) => e switch
    {
        SonicEngineException se => Error(se.Code, Hosting.EngineSettingNames.Describe(se)),
        OperationCanceledException => Error(EngineErrorCodes.Cancelled, "Cancelled before the video was finished; no output was written."),
        _ => Error(EngineErrorCodes.Internal, $"Internal error: {e.Message}"),
    };
}
