using System.Text;
using Microsoft.EntityFrameworkCore;
using RabbitMQ.Client;
using SonicWeb.Data;
using SonicWeb.Jobs.Running;
using SonicWeb.Storage;

namespace SonicWeb.Jobs.Transport.RabbitMq;

/// <summary>A dead-lettered job message: its body (a job id, unless it was a poison message), the job's status now (null: no such job).</summary>
public sealed record DeadLetter(string Body, JobStatus? Status, string? ErrorMessage, long TimesDeadLettered);

/// <summary>
/// The dead-letter queue for the admin page. AMQP cannot browse a queue, so reading takes every message
/// (unacknowledged) and gives them all back by closing the channel: they stay in the queue, in order.
/// Requeueing a job puts its row back in the queue (Queued, at the end) and announces it, then removes its
/// message from the dead letters.
/// </summary>
public sealed class DeadLetterQueue(RabbitMqConnection rabbit, RabbitMqJobQueue queue, IDbContextFactory<SonicDbContext> db, ILogger<DeadLetterQueue> log)
{
    /// <summary>Most messages read for one page view.</summary>
    public const int PageLimit = 500;

    public async Task<IReadOnlyList<DeadLetter>> ListAsync(CancellationToken ct)
    {
        var bodies = new List<(string Body, long TimesDeadLettered)>();
        await using (var channel = await OpenAsync(ct))
        {
            while (bodies.Count < PageLimit && await channel.BasicGetAsync(rabbit.Topology.DeadLetters, autoAck: false, ct) is { } message)
                bodies.Add((Encoding.UTF8.GetString(message.Body.Span), DeathCount(message.BasicProperties)));
            await channel.CloseAsync(ct); // gives every message back
        }
        var ids = bodies.Select(b => b.Body).Where(StoragePaths.IsValidJobId).ToList();
        await using var context = await db.CreateDbContextAsync(ct);
        var rows = await context.Jobs.AsNoTracking().Where(j => ids.Contains(j.Id)).Select(j => new { j.Id, j.Status, j.ErrorMessage }).ToDictionaryAsync(j => j.Id, ct);
        return bodies.Select(b => rows.TryGetValue(b.Body, out var row)
            ? new DeadLetter(b.Body, row.Status, row.ErrorMessage, b.TimesDeadLettered)
            : new DeadLetter(b.Body, null, null, b.TimesDeadLettered)).ToList();
    }

    /// <summary>
    /// Queues the job again (unless it is running or queued already) and removes its dead letter(s); a message
    /// without a job (poison, or the job was deleted) is only removed. False when no such message was found.
    /// </summary>
    public async Task<bool> RequeueAsync(string body, CancellationToken ct)
    {
        if (StoragePaths.IsValidJobId(body))
        {
            await using var context = await db.CreateDbContextAsync(ct);
            int requeued = await context.Jobs.Where(j => j.Id == body && j.Status != JobStatus.Running && j.Status != JobStatus.Queued)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, JobStatus.Queued)
                    .SetProperty(j => j.QueuedAt, DateTime.UtcNow)
                    .SetProperty(j => j.FinishedAt, (DateTime?)null)
                    .SetProperty(j => j.Stage, (string?)null)
                    .SetProperty(j => j.FramesDone, 0)
                    .SetProperty(j => j.ErrorCode, (string?)null)
                    .SetProperty(j => j.ErrorMessage, (string?)null), ct);
            if (requeued == 1) await queue.AnnounceAsync(body, ct);
        }
        bool removed = false;
        await using (var channel = await OpenAsync(ct))
        {
            for (int i = 0; i < PageLimit && await channel.BasicGetAsync(rabbit.Topology.DeadLetters, autoAck: false, ct) is { } message; i++)
            {
                if (Encoding.UTF8.GetString(message.Body.Span) != body) continue;
                await channel.BasicAckAsync(message.DeliveryTag, multiple: false, ct);
                removed = true;
            }
            await channel.CloseAsync(ct); // the others go back
        }
        log.LogInformation("Dead letter {Body} requeued by an administrator (found: {Found})", body, removed);
        return removed;
    }

    private async Task<IChannel> OpenAsync(CancellationToken ct) => await (await rabbit.GetAsync(ct)).CreateChannelAsync(cancellationToken: ct);

    /// <summary>How often the message was dead-lettered, from the x-death header the broker adds (0 when absent).</summary>
    private static long DeathCount(IReadOnlyBasicProperties properties)
    {
        if (properties.Headers?.TryGetValue("x-death", out var death) != true || death is not IList<object> entries) return 0;
        return entries.OfType<IDictionary<string, object>>().Sum(e => e.TryGetValue("count", out var c) ? Convert.ToInt64(c) : 0);
    }
}
