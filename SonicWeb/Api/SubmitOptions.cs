using System.Text.Json;
using SonicWeb.Errors;
using SonicWeb.Jobs;

namespace SonicWeb.Api;

/// <summary>
/// Choices about how a job runs that are not generation parameters (so they never change the
/// output or its reuse hash). Read from a form field or from the JSON "config" field, form first.
/// </summary>
/// <param name="Backend">The generation backend by name; null: the installation's default.</param>
/// <param name="CallbackUrl">Where to POST the job's final status (a webhook), as sent; null: the API key's default, if any.</param>
public sealed record SubmitOptions(bool PreviewFirst, string? Backend = null, string? CallbackUrl = null)
{
    /// <summary>Render only the first frame and wait for POST /api/jobs/{id}/confirm before the full job.</summary>
    public const string PreviewFirstName = ParameterBinder.PreviewFirstField;

    /// <summary>A webhook for this job (see Webhooks/).</summary>
    public const string CallbackUrlName = ParameterBinder.CallbackUrlField;

    public static SubmitOptions From(IReadOnlyDictionary<string, string> fields)
    {
        string? backend = NullIfBlank(Read(fields, ParameterBinder.BackendField)?.Trim());
        var callback = Read(fields, CallbackUrlName) is { } url && !string.IsNullOrWhiteSpace(url) ? url.Trim() : null;
        string? raw = Read(fields, PreviewFirstName);
        if (string.IsNullOrWhiteSpace(raw)) return new SubmitOptions(false, backend, callback);
        return raw.Trim().ToLowerInvariant() switch
        {
            "true" or "1" or "on" or "yes" => new SubmitOptions(true, backend, callback),
            "false" or "0" or "off" or "no" => new SubmitOptions(false, backend, callback),
            _ => throw InputRejectedException.Field(PreviewFirstName, $"{PreviewFirstName} is '{raw}'; it must be true or false."),
        };
    }

    private static string? NullIfBlank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    /// <summary>The form field, else the key inside the JSON "config" field (a preset's keys arrive there too).</summary>
    private static string? Read(IReadOnlyDictionary<string, string> fields, string name)
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
