namespace SonicWeb.Data;

/// <summary>
/// The ComfyUI workflow (API format, with {{placeholders}}) the comfyui-sonic backend sends for each
/// job, as an admin last saved it (Admin > Backends). No row = the shipped template.
/// </summary>
public sealed class WorkflowTemplate
{
    /// <summary>The backend it belongs to, e.g. "comfyui-sonic".</summary>
    public string Id { get; set; } = "";
    public string Json { get; set; } = "";
    public DateTime UpdatedAt { get; set; } = DateTime.UtcNow;
    public string? UpdatedBy { get; set; }
}
