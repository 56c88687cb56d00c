using Microsoft.EntityFrameworkCore;
using SonicWeb.Data;
using SonicWeb.Jobs.Running;

namespace SonicWeb.Storage;

/// <summary>
/// Runs before the worker starts: creates the data directory and the database, switches SQLite to
/// WAL (readers never wait for the writer), puts jobs that were running when the app stopped back in
/// the queue, and fits the estimator to the job history.
/// What a crash left half-done (uploads, partial videos, orphaned ffmpeg) is removed next by the
/// Reliability.StorageJanitor.
/// </summary>
public sealed class StorageInitializer(
    StoragePaths paths,
    IDbContextFactory<SonicDbContext> db,
    EstimatorService estimator,
    Microsoft.Extensions.Options.IOptions<Jobs.Transport.QueueOptions> queue,
    ILogger<StorageInitializer> log) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        paths.EnsureCreated();
        await using var context = await db.CreateDbContextAsync(ct);
        await context.Database.EnsureCreatedAsync(ct);
        await SchemaUpgrade.ApplyAsync(context, ct); // tables and columns added since the database was made
        await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);

        // With RabbitMQ, Running rows may be running on other nodes: the broker gives a dead worker's message
        // back and the queue takes the job over (RabbitMqJobQueue), so nothing is reset here.
        var interrupted = queue.Value.UsesRabbitMq ? [] : await context.Jobs.Where(j => j.Status == JobStatus.Running).ToListAsync(ct);
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

        await estimator.RefitAsync(ct);
        log.LogInformation("Storage ready at {Root}", paths.Root);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
