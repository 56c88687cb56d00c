using System.Text.Json;
using SonicWeb.Components.Shared.Parameters;
using SonicWeb.Presets;

namespace SonicWeb.Components.Pages.Admin.Components;

/// <summary>
/// The presets page's form: name, description and the parameters the preset sets (blank = not set), turned into
/// the JSON object PresetService checks and stores. Numbers stay numbers, the switches booleans, crop a string.
/// </summary>
public sealed class PresetDraft : ParameterDraft
{
    public int? Id { get; init; }
    public string Name { get; set; } = "";
    public string? Description { get; set; }

    /// <summary>A stored preset, ready to edit.</summary>
    public static PresetDraft From(PresetView preset)
    {
        var draft = new PresetDraft { Id = preset.Id, Name = preset.Name, Description = preset.Description };
        draft.Load(preset.Parameters);
        return draft;
    }

    /// <summary>"min_resolution = 512, crop = full", or "(all defaults)".</summary>
    public static string Describe(JsonElement parameters) =>
        parameters.EnumerateObject().Any()
            ? string.Join(", ", parameters.EnumerateObject().Select(p => $"{p.Name} = {(p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText())}"))
            : "(all defaults)";
}
