using Microsoft.Extensions.Options;
using SonicWeb.Jobs.Transport;

namespace SonicWeb.Jobs.Running;

/// <summary>
/// The hosted worker: <see cref="JobOptions.Slots"/> loops, each claiming the next job from the
/// <see cref="IJobQueue"/> and running it. A slot with nothing to do waits for an announcement, and
/// looks again every <see cref="JobOptions.PollSeconds"/> anyway.
/// </summary>
public sealed class GenerationWorker(
    IJobQueue queue,
    JobRunner runner,
    IJobEvents events,
    JobQueries queries,
    IOptions<JobOptions> options,
    ILogger<GenerationWorker> log) : BackgroundService
{
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
                if (await queue.ClaimNextAsync(poll, stopping) is not { } claim) continue;
                if (await queries.GetAsync(claim.Job.Id, stopping) is { } view) await events.PublishAsync(new JobStatusChanged(view));
                if (await runner.RunAsync(claim.Job, stopping)) await queue.CompleteAsync(claim, CancellationToken.None);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { break; }
            catch (Exception e)
            {
                log.LogError(e, "Worker slot {Slot} failed; retrying shortly", slot);
                try { await Task.Delay(poll, stopping); } catch (OperationCanceledException) { break; }
            }
        }
    }
}
