namespace SonicWeb.Data;

/// <summary>
/// A named set of generation parameters ("Quick draft 512") that admins manage and operators pick on
/// the new video page or with the form field preset=&lt;name&gt;. Only the parameters it sets are stored;
/// the others keep their defaults. Names are unique without regard to case (<see cref="NormalizedName"/>).
/// </summary>
public sealed class Preset
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    /// <summary>Upper-case invariant form of <see cref="Name"/>, with a unique index.</summary>
    public string NormalizedName { get; set; } = "";
    public string? Description { get; set; }
    /// <summary>A JSON object with the API's parameter names, e.g. {"min_resolution":512,"inference_steps":10}; validated on save.</summary>
    public string ParametersJson { get; set; } = "{}";
    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
    public DateTime UpdatedAt { get; set; } = DateTime.UtcNow;

    public static string Normalize(string name) => name.Trim().ToUpperInvariant();
}
