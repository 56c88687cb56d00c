using System.Text.Json;
using System.Text.Json.Nodes;
using SonicWeb.Presets;

namespace SonicWeb.Components.Pages.Admin.Components;

/// <summary>
/// The presets page's form: name, description and the parameters the preset sets (blank = not set), turned into
/// the JSON object PresetService checks and stores. Numbers stay numbers, the switches booleans, crop a string.
/// </summary>
public sealed class PresetDraft
{
    private readonly Dictionary<string, double> _numbers = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _texts = new(StringComparer.OrdinalIgnoreCase);
    private static readonly string[] Booleans = ["align_mouth", "smooth_motion"];

    public int? Id { get; init; }
    public string Name { get; set; } = "";
    public string? Description { get; set; }

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

    public string ParametersJson()
    {
        var json = new JsonObject();
        foreach (var (name, value) in _numbers) json[name] = value;
        foreach (var (name, value) in _texts)
            json[name] = Booleans.Contains(name) ? JsonValue.Create(value == "true") : JsonValue.Create(value);
        return json.ToJsonString();
    }

    /// <summary>The parameters that are set, as form fields for a submission (POST /api/batches): "min_resolution" = "256".</summary>
    public Dictionary<string, string> FormFields()
    {
        var fields = _numbers.ToDictionary(p => p.Key, p => p.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (name, value) in _texts) fields[name] = value;
        return fields;
    }

    /// <summary>A stored preset, ready to edit.</summary>
    public static PresetDraft From(PresetView preset)
    {
        var draft = new PresetDraft { Id = preset.Id, Name = preset.Name, Description = preset.Description };
        foreach (var p in preset.Parameters.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Number) draft.SetNumber(p.Name, p.Value.GetDouble());
            else if (p.Value.ValueKind is JsonValueKind.True or JsonValueKind.False) draft.SetText(p.Name, p.Value.GetBoolean() ? "true" : "false");
            else if (p.Value.ValueKind == JsonValueKind.String) draft.SetText(p.Name, p.Value.GetString());
        }
        return draft;
    }

    /// <summary>"min_resolution = 512, crop = full", or "(all defaults)".</summary>
    public static string Describe(JsonElement parameters) =>
        parameters.EnumerateObject().Any()
            ? string.Join(", ", parameters.EnumerateObject().Select(p => $"{p.Name} = {(p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText())}"))
            : "(all defaults)";

}
