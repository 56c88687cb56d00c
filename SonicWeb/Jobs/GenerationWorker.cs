using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SonicWeb.Data;
using SonicWeb.Engine.Pipeline;

namespace SonicWeb.Jobs;

/// <summary>
/// The hosted worker: <see cref="JobOptions.Slots"/> loops, each claiming the oldest queued job from
/// the database and running it. Woken by <see cref="JobSignals.WakeWorkers"/> on submit, and polls
/// as a fallback.
/// </summary>
public sealed class GenerationWorker(
    IDbContextFactory<SonicDbContext> db,
    JobRunner runner,
    JobSignals signals,
    JobNotifier notifier,
    JobQueries queries,
    IOptions<JobOptions> options,
    ILogger<GenerationWorker> log) : BackgroundService
{
    // One process owns the queue, so an in-process lock makes claiming atomic; several app instances
    // would need a conditional UPDATE (status = Queued) instead.
    private readonly SemaphoreSlim _claimLock = new(1, 1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        int slots = Math.Max(1, options.Value.Slots);
        log.LogInformation("Generation worker started with {Slots} slot(s)", slots);
        return Task.WhenAll(Enumerable.Range(0, slots).Select(i => Task.Run(() => SlotLoopAsync(i, stoppingToken), CancellationToken.None)));
    }

    private async Task SlotLoopAsync(int slot, CancellationToken stopping)
    {
        var poll = TimeSpan.FromSeconds(Math.Max(0.1, options.Value.PollSeconds));
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var job = await ClaimNextAsync(stopping);
                if (job is null)
                {
                    await signals.WaitForWorkAsync(poll, stopping);
                    continue;
                }
                if (await queries.GetAsync(job.Id, stopping) is { } view) await notifier.StatusAsync(view);
                await runner.RunAsync(job, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { break; }
            catch (Exception e)
            {
                log.LogError(e, "Worker slot {Slot} failed; retrying shortly", slot);
                try { await Task.Delay(poll, stopping); } catch (OperationCanceledException) { break; }
            }
        }
    }

    /// <summary>Marks the oldest queued job Running (attempts + 1) and returns it, or null when the queue is empty.</summary>
    private async Task<Job?> ClaimNextAsync(CancellationToken ct)
    {
        await _claimLock.WaitAsync(ct);
        try
        {
            await using var context = await db.CreateDbContextAsync(ct);
            var job = await context.Jobs.Where(j => j.Status == JobStatus.Queued)
                .OrderBy(j => j.QueuedAt).ThenBy(j => j.Id).FirstOrDefaultAsync(ct);
            if (job is null) return null;
            job.Status = JobStatus.Running;
            job.Attempts++;
            job.StartedAt = DateTime.UtcNow;
            job.FinishedAt = null;
            job.Stage = GenerationStage.Loading.ToString();
            job.FramesDone = 0;
            job.ErrorCode = null;
            job.ErrorMessage = null;
            await context.SaveChangesAsync(ct);
            return job;
        }
        finally { _claimLock.Release(); }
    }
}
