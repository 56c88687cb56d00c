using SonicWeb.Engine.Errors;

namespace SonicWeb.Hosting;

/// <summary>
/// How this app names the engine's settings: the configuration key under the "Engine" section
/// (Engine:Limits:MaxAudioSeconds, Engine__Limits__MaxAudioSeconds in the environment). The engine's
/// messages name a broken limit and its value; wherever the app shows such a message (an API answer,
/// a job's error, the command line) it adds the key, so an operator knows what to change.
/// </summary>
public static class EngineSettingNames
{
    public static string Key(string setting) => EngineSetup.Section + ":" + setting;

    /// <summary>The engine's message with the key of the setting it names, "... the limit is 1 s (Engine:Limits:MaxAudioSeconds)."</summary>
    public static string Describe(SonicEngineException e)
    {
        if (e.Setting is null) return e.Message;
        var key = Key(e.Setting);
        var message = e.Message;
        if (message.Contains(key, StringComparison.Ordinal)) return message;
        return message.EndsWith('.') ? $"{message[..^1]} ({key})." : $"{message} ({key})";
    }
}
