using System.Globalization;
using System.Text.Json;
using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Engine.Rendering;
using SonicWeb.Errors;

namespace SonicWeb.Jobs;

/// <summary>
/// Builds <see cref="GenerationParameters"/> from the API's parameter names and text values, given either as form
/// fields or inside a JSON object in the field "config" (form fields win): the REST API's forms, a
/// preset's stored parameters, a batch's fields. Names, ranges and values come from the
/// <see cref="ParameterCatalog"/>. Every problem names the field, the value and the accepted range;
/// all problems are reported together (<see cref="InputRejectedException"/>, code invalid_parameter).
/// </summary>
public static class ParameterBinder
{
    public const string ConfigField = "config";

    /// <summary>Render the first frame and wait for a confirmation: a choice about the job, not a generation parameter.</summary>
    public const string PreviewFirstField = "preview_first";

    /// <summary>Where to POST the job's final status (a webhook): a choice about the job, not a generation parameter.</summary>
    public const string CallbackUrlField = "callback_url";

    /// <summary>Keys a "config" object may hold that are not generation parameters (they never change the output or its reuse hash).</summary>
    public static readonly string[] SubmitChoices = [PreviewFirstField, BackendField, CallbackUrlField];

    /// <summary>The generation backend by name ("builtin", "comfyui-sonic"); blank = the installation's default (Backends:Default).</summary>
    public const string BackendField = "backend";

    /// <summary>Every parameter name the API accepts.</summary>
    public static IReadOnlyList<string> Names => ParameterCatalog.Names;

    public static bool IsSwitch(string name) => ParameterCatalog.Switches.Any(s => s.Name == name);

    /// <summary>Fields that are not parameters but may appear in the same form.</summary>
    public static readonly string[] OtherFields = ["name", "submitter", "audio_seconds", ConfigField];

    /// <param name="fields">Form fields (and the "config" JSON object), by API name.</param>
    /// <param name="backendDefaults">
    /// The job's backend's own defaults (<c>GenerationBackends.ParameterDefaultsFor</c>): they apply to every parameter
    /// the fields leave unset or blank; a value given, from the form, the config or a preset, always wins.
    /// </param>
    public static GenerationParameters Bind(IReadOnlyDictionary<string, string> fields, IReadOnlyDictionary<string, string>? backendDefaults = null)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var errors = new Dictionary<string, string[]>();
        if (fields.TryGetValue(ConfigField, out var config) && !string.IsNullOrWhiteSpace(config))
            ReadConfig(config, values, errors);
        foreach (var (key, value) in fields)
        {
            if (Names.Contains(key, StringComparer.OrdinalIgnoreCase)) values[key] = value;
        }
        foreach (var (key, value) in backendDefaults ?? new Dictionary<string, string>())
        {
            if (!values.TryGetValue(key, out var given) || string.IsNullOrWhiteSpace(given)) values[key] = value;
        }

        var p = new GenerationParameters();
        foreach (var (key, raw) in values)
        {
            var text = raw.Trim();
            if (text.Length == 0) continue; // an empty form field means "default"
            var name = key.ToLowerInvariant();
            if (IsSwitch(name))
            {
                if (TryBool(text, out var b)) p = name == ParameterCatalog.AlignMouth.Name ? p with { AlignMouth = b } : p with { SmoothMotion = b };
                else errors[name] = [$"{name} is '{text}'; it must be true or false."];
                continue;
            }
            if (name == ParameterCatalog.Crop.Name)
            {
                if (Enum.TryParse<CropMode>(text, ignoreCase: true, out var crop) && Enum.IsDefined(crop) && !char.IsDigit(text[0])) p = p with { Crop = crop };
                else errors[name] = [$"crop is '{text}'; it must be 'face' or 'full'."];
                continue;
            }
            var spec = ParameterCatalog.All.First(s => s.Name == name);
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            {
                errors[name] = [$"{name} is '{text}'; it must be a number between {spec.HardRange} (recommended {spec.RecommendedRange})."];
                continue;
            }
            if (spec.IsInteger && (v != Math.Floor(v) || v > int.MaxValue || v < int.MinValue))
            {
                errors[name] = [$"{name} is {text}; it must be a whole number between {spec.HardRange}."];
                continue;
            }
            p = name switch
            {
                "min_resolution" => p with { MinResolution = (int)v },
                "expand_ratio" => p with { ExpandRatio = v },
                "inference_steps" => p with { InferenceSteps = (int)v },
                "dynamic_scale" => p with { DynamicScale = v },
                "motion_scale" => p with { MotionScale = v },
                "duration" => p with { Duration = v },
                "seed" => p with { Seed = (int)v },
                _ => p,
            };
        }

        foreach (var issue in ParameterValidator.Validate(p).Errors)
            errors.TryAdd(issue.Field, [issue.Message]);
        if (errors.Count > 0)
            throw new InputRejectedException(EngineErrorCodes.InvalidParameter,
                string.Join(" ", errors.Values.SelectMany(e => e)), errors);
        return p;
    }

    private static void ReadConfig(string config, Dictionary<string, string> values, Dictionary<string, string[]> errors)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(config); }
        catch (JsonException e)
        {
            errors[ConfigField] = [$"config is not valid JSON: {e.Message}"];
            return;
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                errors[ConfigField] = ["config must be a JSON object such as {\"min_resolution\": 512}."];
                return;
            }
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (SubmitChoices.Contains(property.Name, StringComparer.OrdinalIgnoreCase)) continue; // not a generation parameter
                if (!Names.Contains(property.Name, StringComparer.OrdinalIgnoreCase))
                {
                    errors[property.Name] = [$"'{property.Name}' is not a parameter; known parameters: {string.Join(", ", Names)}."];
                    continue;
                }
                values[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString() ?? "",
                    JsonValueKind.Null => "",
                    _ => property.Value.GetRawText(),
                };
            }
        }
    }

    /// <summary>true/false, 1/0, on/off, yes/no in any case.</summary>
    public static bool TryBool(string text, out bool value)
    {
        switch (text.ToLowerInvariant())
        {
            case "true" or "1" or "on" or "yes": value = true; return true;
            case "false" or "0" or "off" or "no": value = false; return true;
            default: value = false; return false;
        }
    }
}
