using Microsoft.EntityFrameworkCore;
using SonicWeb.Data;
using SonicWeb.Engine.Backends.ComfyUI;
using SonicWeb.Errors;

namespace SonicWeb.Backends;

/// <summary>
/// The comfyui-sonic workflow template in the database, edited on Admin > Backends. Read for every job
/// (a saved change applies to the next job, never to one running). A template is checked before it is
/// saved (<see cref="SonicWorkflow.Problems"/>), so a job never meets a broken one. Without a database
/// (the command-line verbs) the shipped template is used.
/// </summary>
public sealed class WorkflowTemplateStore(IServiceProvider services) : ISonicWorkflowTemplates
{
    public const string SonicTemplateId = ComfyUISonicBackend.Name;

    private IDbContextFactory<SonicDbContext>? Db => services.GetService<IDbContextFactory<SonicDbContext>>();

    public async Task<string> GetAsync(CancellationToken ct) => (await GetStoredAsync(ct))?.Json ?? SonicWorkflow.DefaultTemplate;

    /// <summary>The saved row, or null while the shipped template is in use.</summary>
    public async Task<WorkflowTemplate?> GetStoredAsync(CancellationToken ct)
    {
        if (Db is not { } db) return null;
        await using var context = await db.CreateDbContextAsync(ct);
        return await context.WorkflowTemplates.AsNoTracking().FirstOrDefaultAsync(t => t.Id == SonicTemplateId, ct);
    }

    /// <summary>Saves the template, or refuses it (400, field "template") with every problem named.</summary>
    public async Task SaveAsync(string json, string? by, CancellationToken ct)
    {
        var problems = SonicWorkflow.Problems(json ?? "");
        if (problems.Count > 0) throw InputRejectedException.Field("template", string.Join(" ", problems));
        await using var context = await Db!.CreateDbContextAsync(ct);
        var row = await context.WorkflowTemplates.FirstOrDefaultAsync(t => t.Id == SonicTemplateId, ct);
        if (row is null) context.WorkflowTemplates.Add(row = new WorkflowTemplate { Id = SonicTemplateId });
        row.Json = json!.Trim();
        row.UpdatedAt = DateTime.UtcNow;
        row.UpdatedBy = by;
        await context.SaveChangesAsync(ct);
    }

    /// <summary>Back to the shipped template.</summary>
    public async Task ResetAsync(CancellationToken ct)
    {
        await using var context = await Db!.CreateDbContextAsync(ct);
        await context.WorkflowTemplates.Where(t => t.Id == SonicTemplateId).ExecuteDeleteAsync(ct);
    }
}
