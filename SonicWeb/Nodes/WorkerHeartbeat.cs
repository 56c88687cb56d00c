using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SonicWeb.Data;
using SonicWeb.Engine.Backends;
using SonicWeb.Engine.Onnx;

namespace SonicWeb.Nodes;

/// <summary>
/// A rendering node's row in the Workers table: its backends, slots and hardware once at start, then its
/// running jobs and last-seen time every Node:HeartbeatSeconds, "Draining" while it stops and "Stopped" once
/// its worker has ended. Each beat also requeues jobs of workers that are gone (<see cref="StaleJobRecovery"/>).
/// Registered before the GenerationWorker: hosted services stop in reverse order, so it keeps beating
/// ("Draining") while the worker finishes its jobs, and writes "Stopped" once the worker has ended.
/// </summary>
public sealed class WorkerHeartbeat(
    IDbContextFactory<SonicDbContext> db,
    WorkerActivity activity,
    GenerationBackends backends,
    OrtRuntime onnx,
    StaleJobRecovery recovery,
    NodeTopology topology,
    IOptions<NodeOptions> node,
    IOptions<Jobs.JobOptions> jobs,
    IHostApplicationLifetime lifetime,
    ILogger<WorkerHeartbeat> log) : BackgroundService
{
    private readonly DateTime _startedAt = DateTime.UtcNow;

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        lifetime.ApplicationStopping.Register(() => _ = BeatQuietlyAsync(WorkerStates.Draining)); // at once when SIGTERM arrives, not at the next beat
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(node.Value.HeartbeatSeconds));
        do
        {
            await BeatQuietlyAsync(activity.Draining ? WorkerStates.Draining : WorkerStates.Running);
            if (topology.RecoversFromHeartbeats && !activity.Draining)
            {
                try { await recovery.RequeueOrphansAsync(exceptNode: null, stopping); }
                catch (Exception e) when (e is not OperationCanceledException) { log.LogWarning(e, "Looking for jobs of gone workers failed; next beat tries again"); }
            }
        }
        while (await WaitAsync(timer, stopping));
    }

    public override async Task StopAsync(CancellationToken ct)
    {
        await base.StopAsync(ct);
        await BeatQuietlyAsync(WorkerStates.Stopped); // the worker (stopped before this) has ended
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }

    private async Task BeatQuietlyAsync(string state)
    {
        try { await BeatAsync(state, CancellationToken.None); }
        catch (Exception e) { log.LogWarning(e, "Writing this worker's row ({State}) failed", state); }
    }

    /// <summary>Inserts or updates this node's row.</summary>
    public async Task BeatAsync(string state, CancellationToken ct)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        var name = node.Value.NodeName;
        var row = await context.Workers.FirstOrDefaultAsync(w => w.Name == name, ct);
        if (row is null) context.Workers.Add(row = new WorkerNode { Name = name });
        row.Role = node.Value.Role.ToString().ToLowerInvariant();
        row.Backends = backends.Names;
        row.Slots = activity.Slots > 0 ? activity.Slots : Math.Max(1, jobs.Value.Slots);
        row.CpuCores = Environment.ProcessorCount;
        row.RamBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        row.ExecutionProvider = onnx.Status.ExecutionProvider;
        row.RunningJobIds = string.Join(",", activity.RunningJobs);
        row.JobsFinished = activity.JobsFinished;
        row.State = state;
        row.StartedAt = _startedAt;
        row.LastSeenAt = DateTime.UtcNow;
        try { await context.SaveChangesAsync(ct); }
        catch (DbUpdateException) when (context.Entry(row).State == EntityState.Added) { } // first beats of two at once: the next one updates
    }
}
