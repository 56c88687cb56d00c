using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SonicWeb.Data;

namespace SonicWeb.Nodes;

/// <summary>One worker node as /admin/workers shows it: its last report and whether it is still alive.</summary>
public sealed record WorkerSummary(
    string Name, string Role, string Backends, int Slots, int CpuCores, long RamBytes, string ExecutionProvider,
    IReadOnlyList<string> RunningJobs, int JobsFinished, string State, DateTime StartedAt, DateTime LastSeenAt, bool Gone)
{
    /// <summary>What the page says: Running, Draining, Stopped, or Gone (no heartbeat for Node:StaleAfterSeconds).</summary>
    public string Shown => Gone && State != WorkerStates.Stopped ? "Gone" : State;
}

/// <summary>The Workers table, read for the admin page and the API (any node can read it).</summary>
public sealed class WorkerDirectory(IDbContextFactory<SonicDbContext> db, IOptions<NodeOptions> node)
{
    public async Task<IReadOnlyList<WorkerSummary>> ListAsync(CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        var rows = await context.Workers.AsNoTracking().OrderBy(w => w.Name).ToListAsync(ct);
        var liveSince = DateTime.UtcNow.AddSeconds(-node.Value.StaleAfterSeconds);
        return rows.Select(w => new WorkerSummary(w.Name, w.Role, w.Backends, w.Slots, w.CpuCores, w.RamBytes, w.ExecutionProvider,
            w.RunningJobs(), w.JobsFinished, w.State, w.StartedAt, w.LastSeenAt, w.LastSeenAt < liveSince)).ToList();
    }

    /// <summary>Removes the row of a worker that is stopped or gone for good (a live one writes it again at its next beat).</summary>
    public async Task<bool> ForgetAsync(string name, CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        return await context.Workers.Where(w => w.Name == name).ExecuteDeleteAsync(ct) > 0;
    }
}
