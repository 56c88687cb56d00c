using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SonicWeb.Data;
using SonicWeb.Jobs.Running;
using SonicWeb.Nodes;

namespace SonicWeb.Storage;

/// <summary>
/// Runs before the worker starts: creates the data directory and the database (or brings its schema up to
/// date), switches SQLite to WAL (readers never wait for the writer), puts jobs that were running when the
/// app stopped back in the queue, and fits the estimator to the job history.
/// With a shared database (PostgreSQL) other nodes may be running jobs right now: only a node that renders
/// requeues, and only jobs no live worker runs (<see cref="StaleJobRecovery"/>).
/// What a crash left half-done (uploads, partial videos, orphaned ffmpeg) is removed next by the
/// Reliability.StorageJanitor.
/// </summary>
public sealed class StorageInitializer(
    StoragePaths paths,
    IDbContextFactory<SonicDbContext> db,
    DatabaseOptions database,
    IOptions<NodeOptions> node,
    StaleJobRecovery recovery,
    EstimatorService estimator,
    NodeTopology topology,
    Reliability.DiskReserve reserve,
    ILogger<StorageInitializer> log) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        paths.EnsureCreated();
        reserve.Ensure();
        await using (var context = await db.CreateDbContextAsync(ct))
        {
            await SchemaUpgrade.EnsureCurrentAsync(context, ct); // tables and columns added since the database was made
            if (database.Provider == DatabaseProvider.Sqlite) await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }

        // Alone, every Running job was interrupted by this process's stop. Shared, only jobs no live worker lists are
        // orphans; with RabbitMQ the broker gives those back itself (its delivery count dead-letters a poison job).
        if (!topology.Shared) await RequeueInterruptedAsync(ct);
        else if (node.Value.Renders && topology.RecoversFromHeartbeats) await recovery.RequeueOrphansAsync(exceptNode: node.Value.NodeName, ct);

        await estimator.RefitAsync(ct);
        log.LogInformation("Storage ready at {Root} (database: {Provider}, node role: {Role})", paths.Root, database.Provider, node.Value.Role);
    }

    /// <summary>One process alone owns the database (NodeTopology): every job still Running was interrupted by this app's stop.</summary>
    private async Task RequeueInterruptedAsync(CancellationToken ct)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        var interrupted = await context.Jobs.Where(j => j.Status == JobStatus.Running).ToListAsync(ct);
        foreach (var job in interrupted)
        {
            job.Status = JobStatus.Queued;
            job.Stage = null;
            job.FramesDone = 0;
            job.QueuedAt = job.CreatedAt; // it keeps its place at the front
            if (File.Exists(paths.Video(job.Id))) File.Delete(paths.Video(job.Id));
            log.LogWarning("Job {JobId} was running when the app stopped (attempt {Attempt}); queued to run again", job.Id, job.Attempts);
        }
        await context.SaveChangesAsync(ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
