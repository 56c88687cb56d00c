using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SonicWeb.Data;

namespace SonicWeb.Jobs.Transport.RabbitMq;

/// <summary>
/// Keeps the broker in step with the rows, which are the truth. At start (once the broker answers) and
/// every Queue:RabbitMq:ReannounceSeconds:
/// <list type="bullet">
/// <item>Queued rows whose announcement never reached the broker (submitted while it was down, or the
/// node died between the commit and the publish): when the queue holds fewer ready messages than there
/// are queued rows, the rows queued longer than ReannounceAfterSeconds are announced again. A duplicate
/// is harmless (the claim is a conditional update) and the comparison keeps duplicates from piling up.</item>
/// <item>Running rows that no node runs and that have no message left (their message was dropped as a
/// duplicate while the runner was only cut off, and the runner died later): announced again when the queue
/// is empty, so a worker takes them over.</item>
/// </list>
/// </summary>
public sealed class QueueReannouncer(
    RabbitMqJobQueue queue,
    RabbitMqJobControl control,
    IDbContextFactory<SonicDbContext> db,
    IOptions<QueueOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<QueueReannouncer> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        // Only once every hosted service has started: the storage initializer creates the tables first.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stopping.Register(() => started.TrySetCanceled()))
        {
            try { await started.Task; } catch (OperationCanceledException) { return; }
        }
        var every = TimeSpan.FromSeconds(options.Value.RabbitMq.ReannounceSeconds);
        bool failing = false;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(stopping);
                if (failing) log.LogInformation("RabbitMQ answers again: queued jobs compared with its queue");
                failing = false;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { break; }
            catch (Exception e)
            {
                if (!failing) log.LogWarning("Could not compare queued jobs with RabbitMQ: {Error}; trying every {Seconds} s", e.Message, every.TotalSeconds);
                failing = true; // one line per outage
            }
            try { await Task.Delay(every, stopping); } catch (OperationCanceledException) { break; }
        }
    }

    /// <summary>One comparison; returns how many jobs were announced again.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        uint ready = await queue.ReadyCountAsync(ct); // waits for the broker
        var before = DateTime.UtcNow - TimeSpan.FromSeconds(options.Value.RabbitMq.ReannounceAfterSeconds);
        List<string> toAnnounce;
        await using (var context = await db.CreateDbContextAsync(ct))
        {
            int queued = await context.Jobs.CountAsync(j => j.Status == JobStatus.Queued, ct);
            toAnnounce = ready >= queued ? [] : await context.Jobs.Where(j => j.Status == JobStatus.Queued && j.QueuedAt < before)
                .OrderBy(j => j.QueuedAt).Select(j => j.Id).ToListAsync(ct);
            if (ready == 0)
            {
                var running = await context.Jobs.Where(j => j.Status == JobStatus.Running && j.StartedAt < before).Select(j => j.Id).ToListAsync(ct);
                var probes = await Task.WhenAll(running.Select(async id => (id, runs: await control.IsRunningAnywhereAsync(id, ct))));
                toAnnounce.AddRange(probes.Where(p => !p.runs).Select(p => p.id));
            }
        }
        foreach (var id in toAnnounce) await queue.AnnounceAsync(id, ct);
        if (toAnnounce.Count > 0) log.LogWarning("Announced {Count} job(s) again that had no message in RabbitMQ ({Ready} ready): {Jobs}", toAnnounce.Count, ready, string.Join(", ", toAnnounce.Take(20)));
        return toAnnounce.Count;
    }
}
