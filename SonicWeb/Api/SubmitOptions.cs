using System.Text.Json;
using SonicWeb.Errors;
using SonicWeb.Jobs;

namespace SonicWeb.Api;

/// <summary>
/// Choices about how a job runs that are not generation parameters (so they never change the
/// output or its reuse hash). Read from a form field or from the JSON "config" field, form first.
/// </summary>
public sealed record SubmitOptions(bool PreviewFirst, string? Backend = null)
{
    /// <summary>Render only the first frame and wait for POST /api/jobs/{id}/confirm before the full job.</summary>
    public const string PreviewFirstName = ParameterBinder.PreviewFirstField;

    public static SubmitOptions From(IReadOnlyDictionary<string, string> fields)
    {
        string? backend = Choice(fields, ParameterBinder.BackendField)?.Trim();
        string? raw = Choice(fields, PreviewFirstName);
        if (string.IsNullOrWhiteSpace(raw)) return new SubmitOptions(false, NullIfBlank(backend));
        return raw.Trim().ToLowerInvariant() switch
        {
            "true" or "1" or "on" or "yes" => new SubmitOptions(true, NullIfBlank(backend)),
            "false" or "0" or "off" or "no" => new SubmitOptions(false, NullIfBlank(backend)),
            _ => throw InputRejectedException.Field(PreviewFirstName, $"{PreviewFirstName} is '{raw}'; it must be true or false."),
        };
    }

    private static string? NullIfBlank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    /// <summary>The form field, else the key inside the JSON "config" field (a preset's keys arrive there too).</summary>
    private static string? Choice(IReadOnlyDictionary<string, string> fields, string name)
    {
        string? raw = fields.FirstOrDefault(f => string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
        if (raw is null && fields.TryGetValue(ParameterBinder.ConfigField, out var config))
            raw = FromConfig(config, name);
        return raw;
    }

    /// <summary>The value inside the config JSON, or null (a broken config is reported by <see cref="ParameterBinder"/>).</summary>
    private static string? FromConfig(string config, string name)
    {
        try
        {
            using var doc = JsonDocument.Parse(config);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return null;
            foreach (var p in doc.RootElement.EnumerateObject())
                if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
                    return p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText();
            return null;
        }
        catch (JsonException) { return null; }
    }
}
