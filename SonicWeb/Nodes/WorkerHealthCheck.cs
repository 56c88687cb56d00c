using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using SonicWeb.Data;

namespace SonicWeb.Nodes;

/// <summary>
/// /health "worker": on a node that renders, its slots and running jobs (degraded while draining); on a web
/// node, that no worker runs in this node and how many worker nodes were seen lately (none: jobs wait).
/// </summary>
public sealed class WorkerHealthCheck(WorkerActivity activity, IOptions<NodeOptions> node, IDbContextFactory<SonicDbContext> db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var o = node.Value;
        var data = new Dictionary<string, object> { ["role"] = o.Role.ToString().ToLowerInvariant(), ["node"] = o.NodeName };
        if (!o.Renders)
        {
            var since = DateTime.UtcNow.AddSeconds(-o.StaleAfterSeconds);
            await using var c = await db.CreateDbContextAsync(ct);
            int live = await c.Workers.CountAsync(w => w.LastSeenAt >= since && w.State != WorkerStates.Stopped, ct);
            data["liveWorkers"] = live;
            var text = $"no worker in this node (role web); {live} worker node(s) seen in the last {o.StaleAfterSeconds:0} s";
            return live > 0 ? HealthCheckResult.Healthy(text, data) : HealthCheckResult.Degraded(text + ": queued jobs wait until one starts", data: data);
        }
        var running = activity.RunningJobs;
        data["slots"] = activity.Slots;
        data["runningJobs"] = running;
        data["jobsFinished"] = activity.JobsFinished;
        data["draining"] = activity.Draining;
        var summary = $"{activity.Slots} slot(s), {running.Count} job(s) running";
        return activity.Draining ? HealthCheckResult.Degraded("draining: finishes its jobs, takes no new one; " + summary, data: data) : HealthCheckResult.Healthy(summary, data);
    }
}
