using Microsoft.Extensions.Options;
using SonicWeb.Jobs.Transport;
using SonicWeb.Nodes;

namespace SonicWeb.Jobs.Running;

/// <summary>
/// The hosted worker: <see cref="JobOptions.Slots"/> loops, each claiming the next job from the
/// <see cref="IJobQueue"/> and running it. A slot with nothing to do waits for an announcement, and
/// looks again every <see cref="JobOptions.PollSeconds"/> anyway.
/// When the host stops (SIGTERM) the worker drains: slots take no new job, and a job already running
/// gets up to Node:DrainSeconds to finish before it is interrupted (an interrupted job runs again, on
/// this node after its restart or on another worker). The host waits that long for it.
/// </summary>
public sealed class GenerationWorker(
    IJobQueue queue,
    JobRunner runner,
    IJobEvents events,
    JobQueries queries,
    WorkerActivity activity,
    IOptions<JobOptions> options,
    IOptions<NodeOptions> node,
    ILogger<GenerationWorker> log) : BackgroundService
{
    /// <summary>Cancelled once the drain time after a stop has run out: running jobs are then interrupted.</summary>
    private readonly CancellationTokenSource _interrupt = new();

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        int slots = Math.Max(1, options.Value.Slots);
        activity.Slots = slots;
        log.LogInformation("Generation worker started with {Slots} slot(s)", slots);
        stoppingToken.Register(BeginDrain);
        return Task.WhenAll(Enumerable.Range(0, slots).Select(i => Task.Run(() => SlotLoopAsync(i, stoppingToken), CancellationToken.None)));
    }

    private void BeginDrain()
    {
        activity.StartDraining();
        var drain = node.Value.Drain;
        var running = activity.RunningJobs;
        if (drain <= TimeSpan.Zero || running.Count == 0) { _interrupt.Cancel(); return; }
        log.LogInformation("Stopping: draining, no new job; {Count} running job(s) ({Jobs}) get up to {Seconds:0} s to finish (Node:DrainSeconds)",
            running.Count, string.Join(", ", running), drain.TotalSeconds);
        _interrupt.CancelAfter(drain);
    }

    private async Task SlotLoopAsync(int slot, CancellationToken stopping)
    {
        var poll = TimeSpan.FromSeconds(Math.Max(0.1, options.Value.PollSeconds));
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (await queue.ClaimNextAsync(poll, stopping) is not { } claim) continue;
                activity.Started(claim.Job.Id);
                bool finished = false;
                try
                {
                    if (await queries.GetAsync(claim.Job.Id, CancellationToken.None) is { } view) await events.PublishAsync(new JobStatusChanged(view));
                    finished = await runner.RunAsync(claim.Job, _interrupt.Token);
                    if (finished) await queue.CompleteAsync(claim, CancellationToken.None);
                }
                finally { activity.Ended(claim.Job.Id, finished); }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { break; }
            catch (Exception e)
            {
                log.LogError(e, "Worker slot {Slot} failed; retrying shortly", slot);
                try { await Task.Delay(poll, stopping); } catch (OperationCanceledException) { break; }
            }
        }
    }

    public override void Dispose()
    {
        _interrupt.Dispose();
        base.Dispose();
    }
}
