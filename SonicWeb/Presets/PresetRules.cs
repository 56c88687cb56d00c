using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Errors;
using SonicWeb.Jobs;

namespace SonicWeb.Presets;

/// <summary>
/// What a preset may contain, and its parameters in one canonical JSON shape: an object with the
/// API's parameter names in lower case, numbers as numbers, the switches (align_mouth, smooth_motion) as booleans
/// and crop as a string. Values are checked by the same <see cref="ParameterBinder"/> (and so the
/// engine's ParameterValidator) as a job's, so a preset can never hold a value a job would refuse.
/// </summary>
public static class PresetRules
{
    public const int MaxNameLength = 80;
    public const int MaxDescriptionLength = 500;

    /// <summary>The trimmed name, or a 400 naming the rule it breaks.</summary>
    public static string CheckName(string? name)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0) throw Invalid("name", "A preset needs a name.");
        if (trimmed.Length > MaxNameLength) throw Invalid("name", $"The name has {trimmed.Length} characters; the limit is {MaxNameLength}.");
        if (trimmed.Any(char.IsControl)) throw Invalid("name", "The name may not contain control characters.");
        return trimmed;
    }

    public static string? CheckDescription(string? description)
    {
        var trimmed = description?.Trim();
        if (string.IsNullOrEmpty(trimmed)) return null;
        if (trimmed.Length > MaxDescriptionLength) throw Invalid("description", $"The description has {trimmed.Length} characters; the limit is {MaxDescriptionLength}.");
        return trimmed;
    }

    /// <summary>Validates a JSON object of parameters and returns it in canonical form (a refusal listing every problem).</summary>
    public static string NormalizeParameters(string? json)
    {
        JsonObject source;
        try
        {
            source = JsonNode.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json) as JsonObject
                ?? throw Invalid("parameters", "parameters must be a JSON object such as {\"min_resolution\": 512}.");
        }
        catch (JsonException e) { throw Invalid("parameters", "parameters is not valid JSON: " + e.Message); }

        var errors = new Dictionary<string, string[]>();
        // A preset may also name the backend its jobs use ("backend": "comfyui-sonic"); the name is checked when a job uses it.
        var backendKey = source.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, ParameterBinder.BackendField, StringComparison.OrdinalIgnoreCase));
        string? backend = null;
        if (backendKey != null)
        {
            if (source[backendKey] is JsonValue v && v.GetValueKind() == JsonValueKind.String) backend = v.GetValue<string>().Trim();
            else errors[backendKey] = ["backend must be a backend's name as a string, such as \"comfyui-sonic\"."];
            source.Remove(backendKey);
        }
        foreach (var (key, _) in source)
            if (!ParameterBinder.Names.Contains(key, StringComparer.OrdinalIgnoreCase))
                errors[key] = [$"'{key}' is not a parameter; known parameters: {string.Join(", ", ParameterBinder.Names)}."];
        if (errors.Count > 0)
            throw new InputRejectedException(EngineErrorCodes.InvalidParameter, string.Join(" ", errors.Values.SelectMany(v => v)), errors);

        // The job's own binder checks names, types and ranges (and runs ParameterValidator).
        ParameterBinder.Bind(new Dictionary<string, string> { [ParameterBinder.ConfigField] = source.ToJsonString() });

        var canonical = new JsonObject();
        foreach (var (key, value) in source)
        {
            var name = key.ToLowerInvariant();
            var text = value is null ? "" : value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>().Trim() : value.ToJsonString();
            if (text.Length == 0) continue; // empty means "default": not part of the preset
            canonical[name] = name switch
            {
                _ when ParameterBinder.IsSwitch(name) => JsonValue.Create(ParameterBinder.TryBool(text, out var on) && on),
                _ when name == ParameterCatalog.Crop.Name => JsonValue.Create(text.ToLowerInvariant()),
                _ => JsonNode.Parse(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture)),
            };
        }
        if (!string.IsNullOrEmpty(backend)) canonical[ParameterBinder.BackendField] = backend;
        return canonical.ToJsonString();
    }

    /// <summary>
    /// Parameters (and the backend) from form fields named like them; blank fields are not part of the preset.
    /// The backend is kept too: the admin page's plain form sends it like a parameter.
    /// </summary>
    public static string FromFields(IEnumerable<KeyValuePair<string, string>> fields)
    {
        var o = new JsonObject();
        foreach (var (key, value) in fields)
            if ((ParameterBinder.Names.Contains(key, StringComparer.OrdinalIgnoreCase) || string.Equals(key, ParameterBinder.BackendField, StringComparison.OrdinalIgnoreCase))
                && !string.IsNullOrWhiteSpace(value))
                o[key.ToLowerInvariant()] = value.Trim();
        return NormalizeParameters(o.ToJsonString());
    }

    public static InputRejectedException Invalid(string field, string message) => InputRejectedException.Field(field, message);
}
