using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SonicWeb.Engine.Pipeline;

namespace SonicWeb.Components.Shared.Parameters;

/// <summary>
/// Generation parameters as a form holds them, by their API names (the engine's <see cref="ParameterCatalog"/>): numbers,
/// and text for the switches ("true"/"false") and the crop. A blank value means "not set" (the default applies). The
/// values go to the server's own checks unchanged: <see cref="Fields"/> for <c>ParameterBinder</c> (a new video), or
/// <see cref="ParametersJson"/> for <c>PresetService</c> (a preset).
/// </summary>
public class ParameterDraft
{
    private readonly Dictionary<string, double> _numbers = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _texts = new(StringComparer.OrdinalIgnoreCase);

    public static bool IsSwitch(string name) => ParameterCatalog.Switches.Any(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    public double? Number(string name) => _numbers.TryGetValue(name, out var v) ? v : null;
    public string Text(string name) => _texts.GetValueOrDefault(name, "");

    public void SetNumber(string name, double? value)
    {
        if (value is { } v) _numbers[name] = v;
        else _numbers.Remove(name);
    }

    public void SetText(string name, string? value)
    {
        if (string.IsNullOrEmpty(value)) _texts.Remove(name);
        else _texts[name] = value;
    }

    public bool Switch(string name) => Text(name) == "true";

    public void SetSwitch(string name, bool on) => SetText(name, on ? "true" : "false");

    /// <summary>Every value set, as the text fields a form would send.</summary>
    public Dictionary<string, string> Fields()
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in _numbers) fields[name] = value.ToString("R", CultureInfo.InvariantCulture);
        foreach (var (name, value) in _texts) fields[name] = value;
        return fields;
    }

    public string ParametersJson()
    {
        var json = new JsonObject();
        foreach (var (name, value) in _numbers) json[name] = value;
        foreach (var (name, value) in _texts)
            json[name] = IsSwitch(name) ? JsonValue.Create(value == "true") : JsonValue.Create(value);
        return json.ToJsonString();
    }

    /// <summary>Sets what a stored parameters object (a preset's) sets; leaves the rest as it is.</summary>
    public void Load(JsonElement parameters)
    {
        foreach (var p in parameters.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Number) SetNumber(p.Name, p.Value.GetDouble());
            else if (p.Value.ValueKind is JsonValueKind.True or JsonValueKind.False) SetSwitch(p.Name, p.Value.GetBoolean());
            else if (p.Value.ValueKind == JsonValueKind.String) SetText(p.Name, p.Value.GetString());
        }
    }

    /// <summary>
    /// Every parameter at its default except duration (the recording's length) and seed (random): the new video
    /// form starts here, and choosing a preset starts here again before the preset's values. A backend's own
    /// defaults (<c>BackendDescription.ParameterDefaults</c>) replace SonicWeb's; a preset's values replace both.
    /// </summary>
    public static ParameterDraft Defaults(JsonElement? preset = null, IReadOnlyDictionary<string, string>? backendDefaults = null)
    {
        var draft = new ParameterDraft();
        foreach (var spec in ParameterCatalog.All.Where(s => s != ParameterCatalog.Duration && s != ParameterCatalog.Seed))
            draft.SetNumber(spec.Name, DefaultOf(spec, backendDefaults));
        foreach (var toggle in ParameterCatalog.Switches) draft.SetSwitch(toggle.Name, toggle.Default);
        draft.SetText(ParameterCatalog.Crop.Name, ParameterCatalog.Crop.Default);
        if (preset is { ValueKind: JsonValueKind.Object } values) draft.Load(values);
        return draft;
    }

    /// <summary>
    /// The backend changed from one with <paramref name="from"/> defaults to one with <paramref name="to"/>: every number
    /// still at the old backend's default takes the new one's; a number the user (or a preset) set stays as it is.
    /// </summary>
    public void SwitchBackendDefaults(IReadOnlyDictionary<string, string> from, IReadOnlyDictionary<string, string> to)
    {
        foreach (var spec in ParameterCatalog.All.Where(s => from.ContainsKey(s.Name) || to.ContainsKey(s.Name)))
        {
            if (Number(spec.Name) is { } value && value == DefaultOf(spec, from)) SetNumber(spec.Name, DefaultOf(spec, to));
        }
    }

    private static double DefaultOf(ParameterSpec spec, IReadOnlyDictionary<string, string>? backendDefaults) =>
        backendDefaults?.GetValueOrDefault(spec.Name) is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v : spec.Default;
}
