using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using SonicWeb.Data;
using SonicWeb.Engine.Errors;
using SonicWeb.Errors;
using SonicWeb.Jobs;

namespace SonicWeb.Presets;

/// <summary>A preset as the API and the pages show it.</summary>
public sealed record PresetView(int Id, string Name, string? Description, JsonElement Parameters, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static PresetView From(Preset p) =>
        new(p.Id, p.Name, p.Description, JsonDocument.Parse(p.ParametersJson).RootElement.Clone(), p.CreatedAt, p.UpdatedAt);
}

/// <summary>
/// Presets: the admin's create/edit/delete, the list everyone picks from, and applying one to a
/// submitted form (<see cref="ApplyAsync"/>).
/// </summary>
public sealed class PresetService(IDbContextFactory<SonicDbContext> db, ILogger<PresetService> log)
{
    /// <summary>The form field (or key inside the JSON "config" field) that names a preset.</summary>
    public const string Field = "preset";
    public const string DuplicateNameCode = "duplicate_name";

    /// <summary>Created on first start when there are no presets at all (deleting them all later is respected only until the next start with an empty table).</summary>
    public static readonly (string Name, string Description, string Parameters)[] Seeds =
    [
        ("Quick draft 512", "Fast check of a photo and a recording: 512 px, fewer steps.",
            """{"min_resolution":512,"inference_steps":10}"""),
        ("Product showcase 1024", "Final quality for catalogues and product pages: 1024 px, more steps, a little more room around the face.",
            """{"min_resolution":1024,"inference_steps":30,"expand_ratio":0.2}"""),
    ];

    public async Task<IReadOnlyList<PresetView>> ListAsync(CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        var rows = await context.Presets.AsNoTracking().ToListAsync(ct);
        return rows.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase).Select(PresetView.From).ToList();
    }

    public async Task<PresetView?> FindAsync(string name, CancellationToken ct = default)
    {
        var normalized = Preset.Normalize(name);
        await using var context = await db.CreateDbContextAsync(ct);
        var row = await context.Presets.AsNoTracking().FirstOrDefaultAsync(p => p.NormalizedName == normalized, ct);
        return row is null ? null : PresetView.From(row);
    }

    public async Task<PresetView?> GetAsync(int id, CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        var row = await context.Presets.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        return row is null ? null : PresetView.From(row);
    }

    public async Task<PresetView> CreateAsync(string? name, string? description, string? parametersJson, CancellationToken ct = default)
    {
        var preset = new Preset { Name = PresetRules.CheckName(name), Description = PresetRules.CheckDescription(description), ParametersJson = PresetRules.NormalizeParameters(parametersJson) };
        preset.NormalizedName = Preset.Normalize(preset.Name);
        await using var context = await db.CreateDbContextAsync(ct);
        await EnsureNameFreeAsync(context, preset.NormalizedName, preset.Name, null, ct);
        context.Presets.Add(preset);
        await SaveAsync(context, preset.Name, ct);
        log.LogInformation("Preset {PresetId} '{Name}' created: {Parameters}", preset.Id, preset.Name, preset.ParametersJson);
        return PresetView.From(preset);
    }

    public async Task<PresetView> UpdateAsync(int id, string? name, string? description, string? parametersJson, CancellationToken ct = default)
    {
        var cleanName = PresetRules.CheckName(name);
        var cleanDescription = PresetRules.CheckDescription(description);
        var parameters = PresetRules.NormalizeParameters(parametersJson);
        await using var context = await db.CreateDbContextAsync(ct);
        var preset = await context.Presets.FirstOrDefaultAsync(p => p.Id == id, ct) ?? throw new NotFoundException($"There is no preset {id}.");
        await EnsureNameFreeAsync(context, Preset.Normalize(cleanName), cleanName, id, ct);
        preset.Name = cleanName;
        preset.NormalizedName = Preset.Normalize(cleanName);
        preset.Description = cleanDescription;
        preset.ParametersJson = parameters;
        preset.UpdatedAt = DateTime.UtcNow;
        await SaveAsync(context, cleanName, ct);
        log.LogInformation("Preset {PresetId} '{Name}' updated: {Parameters}", id, cleanName, parameters);
        return PresetView.From(preset);
    }

    public async Task DeleteAsync(int id, CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        if (await context.Presets.Where(p => p.Id == id).ExecuteDeleteAsync(ct) == 0) throw new NotFoundException($"There is no preset {id}.");
        log.LogInformation("Preset {PresetId} deleted", id);
    }

    /// <summary>The two starting presets, only into an empty table (a fresh or upgraded database).</summary>
    public async Task SeedAsync(CancellationToken ct)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        if (await context.Presets.AnyAsync(ct)) return;
        foreach (var (name, description, parameters) in Seeds)
            context.Presets.Add(new Preset { Name = name, NormalizedName = Preset.Normalize(name), Description = description, ParametersJson = PresetRules.NormalizeParameters(parameters) });
        await context.SaveChangesAsync(ct);
        log.LogInformation("Created the starting presets: {Names}", string.Join(", ", Seeds.Select(s => s.Name)));
    }

    /// <summary>
    /// Resolves preset=&lt;name&gt; (a form field, or a key inside the JSON "config" field) into the
    /// "config" field, under what the caller sent: preset &lt; config JSON &lt; single form fields. An
    /// unknown name is refused, listing the presets there are. Without a preset the fields stay as they are.
    /// </summary>
    public async Task ApplyAsync(IDictionary<string, string> fields, CancellationToken ct)
    {
        string? name = fields.TryGetValue(Field, out var fromField) ? fromField : null;
        fields.TryGetValue(ParameterBinder.ConfigField, out var configText);
        JsonObject? config = null;
        if (!string.IsNullOrWhiteSpace(configText))
        {
            try
            {
                config = JsonNode.Parse(configText) as JsonObject;
                _ = config?.Count; // a JsonObject reads its properties when first used: a duplicate key throws here, not below
            }
            catch (Exception e) when (e is JsonException or ArgumentException) { config = null; } // the binder reports a broken config with the job's wording
            var key = config?.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, Field, StringComparison.OrdinalIgnoreCase));
            if (config != null && key != null)
            {
                if (string.IsNullOrWhiteSpace(name) && config[key]?.GetValueKind() == JsonValueKind.String) name = config[key]!.GetValue<string>();
                config.Remove(key);
                fields[ParameterBinder.ConfigField] = config.ToJsonString();
            }
        }
        if (string.IsNullOrWhiteSpace(name)) return;

        var preset = await FindAsync(name, ct);
        if (preset is null)
        {
            var available = (await ListAsync(ct)).Select(p => $"'{p.Name}'").ToList();
            var message = $"There is no preset '{name.Trim()}'. " + (available.Count == 0 ? "No presets are defined." : $"Available presets: {string.Join(", ", available)}.");
            throw InputRejectedException.Field(Field, message);
        }
        if (config is null && !string.IsNullOrWhiteSpace(configText)) return; // broken config: let the binder say so

        var merged = (JsonNode.Parse(preset.Parameters.GetRawText()) as JsonObject)!;
        if (config != null)
            foreach (var (key, value) in config) merged[key] = value?.DeepClone();
        fields[ParameterBinder.ConfigField] = merged.ToJsonString();
    }

    private static async Task EnsureNameFreeAsync(SonicDbContext context, string normalized, string name, int? exceptId, CancellationToken ct)
    {
        if (await context.Presets.AnyAsync(p => p.NormalizedName == normalized && p.Id != exceptId, ct))
            throw Duplicate(name);
    }

    private static async Task SaveAsync(SonicDbContext context, string name, CancellationToken ct)
    {
        try { await context.SaveChangesAsync(ct); }
        catch (DbUpdateException) { throw Duplicate(name); } // the unique index caught a concurrent save
    }

    private static InputRejectedException Duplicate(string name) =>
        InputRejectedException.Field("name", $"A preset named '{name}' already exists (names are compared without regard to case).", DuplicateNameCode);
}
