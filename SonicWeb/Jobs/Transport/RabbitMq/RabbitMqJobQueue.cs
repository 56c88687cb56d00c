using System.Text;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using SonicWeb.Data;
using SonicWeb.Jobs.Finishing;
using SonicWeb.Jobs.Running;
using SonicWeb.Storage;

namespace SonicWeb.Jobs.Transport.RabbitMq;

/// <summary>
/// The job queue on a RabbitMQ broker. A message is a wake-up carrying a job id (persistent, confirmed
/// by the broker); the job row stays the truth, and a delivery becomes work only through the row's
/// conditional update (<see cref="JobClaims"/>):
/// <list type="bullet">
/// <item>row Queued: claim it (Queued -> Running, attempt + 1) and run it;</item>
/// <item>row Running: its worker died holding the message (the broker gave it back), or only lost its
/// connection for a moment. Every node is asked (<see cref="RabbitMqJobControl.IsRunningAnywhereAsync"/>);
/// when none runs it, it is taken over (attempt + 1, so the dead run can no longer finish it); when one
/// does, this message is a duplicate;</item>
/// <item>anything else (finished, deleted, a duplicate announcement): acknowledged and dropped;</item>
/// <item>a body that is no job id: rejected, so the broker dead-letters it at once.</item>
/// </list>
/// The message of a claimed job stays unacknowledged until its final state is committed
/// (<see cref="CompleteAsync"/>); prefetch = Jobs:Slots, so a node holds no more messages than it runs.
/// The consumer starts with the first claim: a node without a worker never takes messages.
/// </summary>
public sealed class RabbitMqJobQueue(
    RabbitMqConnection rabbit,
    RabbitMqJobControl control,
    JobClaims claims,
    IDbContextFactory<SonicDbContext> db,
    IOptions<JobOptions> jobOptions,
    IOptions<QueueOptions> options,
    IServiceProvider services,
    ILogger<RabbitMqJobQueue> log) : IJobQueue, IAsyncDisposable
{
    private static readonly TimeSpan SendLimit = TimeSpan.FromSeconds(5);

    /// <summary>One delivery, with the connection generation it came in (a lost connection makes its tag meaningless).</summary>
    private sealed record Delivery(IChannel Channel, ulong Tag, bool Redelivered, string Body, int Generation, long PreviousDeliveries);

    private readonly Channel<Delivery> _deliveries = Channel.CreateUnbounded<Delivery>();
    private readonly SemaphoreSlim _starting = new(1, 1);
    private readonly SemaphoreSlim _publishing = new(1, 1);
    private IChannel? _consumerChannel;
    private IChannel? _publisher;
    private int _generation;

    public void Enqueue(string jobId) => _ = AnnounceQuietlyAsync(jobId);

    private async Task AnnounceQuietlyAsync(string jobId)
    {
        try { await AnnounceAsync(jobId, CancellationToken.None); }
        catch (Exception e) { log.LogWarning("Job {JobId} queued but not announced to RabbitMQ ({Error}); it is announced again once the broker answers", jobId, e.Message); }
    }

    /// <summary>Publishes the job's wake-up (persistent) and waits for the broker's confirm.</summary>
    public async Task AnnounceAsync(string jobId, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(SendLimit);
        var publisher = await PublisherAsync(timeout.Token);
        await _publishing.WaitAsync(timeout.Token);
        try
        {
            await publisher.BasicPublishAsync("", rabbit.Topology.JobQueue, mandatory: false,
                new BasicProperties { Persistent = true, ContentType = "text/plain" }, Encoding.UTF8.GetBytes(jobId), timeout.Token);
        }
        finally { _publishing.Release(); }
    }

    private async Task<IChannel> PublisherAsync(CancellationToken ct)
    {
        if (_publisher is { } ready) return ready;
        var connection = await rabbit.GetAsync(ct);
        await _starting.WaitAsync(ct);
        try
        {
            // Publisher confirms with tracking: BasicPublishAsync returns once the broker has the message (quorum: on disk).
            return _publisher ??= await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
        }
        finally { _starting.Release(); }
    }

    public async Task<ClaimedJob?> ClaimNextAsync(TimeSpan wait, CancellationToken ct)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(ct);
        waiting.CancelAfter(wait);
        try
        {
            await EnsureConsumingAsync(waiting.Token);
            while (true)
            {
                var delivery = await _deliveries.Reader.ReadAsync(waiting.Token);
                if (delivery.Generation != Volatile.Read(ref _generation)) continue; // the broker took it back when the connection dropped
                if (await ClaimAsync(delivery, ct) is { } job) return new ClaimedJob(job, delivery);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { return null; }
    }

    private async Task<Job?> ClaimAsync(Delivery delivery, CancellationToken ct)
    {
        var jobId = delivery.Body;
        if (!StoragePaths.IsValidJobId(jobId))
        {
            log.LogWarning("Rejected a job message that is no job id ({Length} characters); it goes to the dead-letter queue", jobId.Length);
            await SettleAsync(delivery, ack: false, ct);
            return null;
        }
        await using var context = await db.CreateDbContextAsync(ct);
        var row = await context.Jobs.AsNoTracking().Where(j => j.Id == jobId).Select(j => new { j.Status, j.Attempts }).FirstOrDefaultAsync(ct);
        Job? job = null;
        if (row?.Status == JobStatus.Queued) job = await claims.TryClaimAsync(jobId, row.Attempts, ct);
        else if (row?.Status == JobStatus.Running && !await control.IsRunningAnywhereAsync(jobId, ct))
        {
            if (delivery.PreviousDeliveries >= options.Value.RabbitMq.MaxDeliveries)
            {
                await GiveUpAsync(jobId, row.Attempts, delivery.PreviousDeliveries, ct);
                await SettleAsync(delivery, ack: false, ct); // to the dead-letter queue, where the admin page lists it
                return null;
            }
            job = await claims.TryTakeOverAsync(jobId, row.Attempts, ct);
            if (job is not null) log.LogWarning("Job {JobId} was running on a worker that is gone (message redelivered: {Redelivered}); running it here, attempt {Attempt}",
                jobId, delivery.Redelivered, job.Attempts);
        }
        if (job is null) await SettleAsync(delivery, ack: true, ct); // finished, deleted, running elsewhere or claimed by another node: a duplicate
        return job;
    }

    /// <summary>
    /// The job's message came back <paramref name="deliveries"/> times from workers that stopped while running
    /// it: the job fails (code worker_lost) instead of stopping yet another worker, and its owner is told.
    /// </summary>
    private async Task GiveUpAsync(string jobId, int attempts, long deliveries, CancellationToken ct)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        int failed = await context.Jobs.Where(j => j.Id == jobId && j.Status == JobStatus.Running && j.Attempts == attempts)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Failed)
                .SetProperty(j => j.FinishedAt, DateTime.UtcNow)
                .SetProperty(j => j.ErrorCode, WorkerLostCode)
                .SetProperty(j => j.ErrorMessage, $"The worker running this job stopped {deliveries} times (limit Queue:RabbitMq:MaxDeliveries = " +
                    $"{options.Value.RabbitMq.MaxDeliveries}); an administrator can queue it again from the dead-letter page."), ct);
        if (failed == 0) return;
        log.LogError("Job {JobId} failed: its message was delivered {Deliveries} times to workers that stopped; dead-lettered", jobId, deliveries + 1);
        await services.GetRequiredService<JobFinishing>().FinishedAsync(jobId);
    }

    public const string WorkerLostCode = "worker_lost";

    public Task CompleteAsync(ClaimedJob job, CancellationToken ct) =>
        job.Receipt is Delivery delivery ? SettleAsync(delivery, ack: true, ct) : Task.CompletedTask;

    /// <summary>Acknowledges (done) or rejects without requeue (dead-letter) a delivery; nothing when its connection is gone.</summary>
    private async Task SettleAsync(Delivery delivery, bool ack, CancellationToken ct)
    {
        if (delivery.Generation != Volatile.Read(ref _generation)) return; // the broker requeued it already; its redelivery finds the row final
        try
        {
            if (ack) await delivery.Channel.BasicAckAsync(delivery.Tag, multiple: false, ct);
            else await delivery.Channel.BasicRejectAsync(delivery.Tag, requeue: false, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException) { log.LogWarning("Could not settle a job message: {Error}", e.Message); }
    }

    private async Task EnsureConsumingAsync(CancellationToken ct)
    {
        if (_consumerChannel is not null) return;
        var connection = await rabbit.GetAsync(ct);
        await _starting.WaitAsync(ct);
        try
        {
            if (_consumerChannel is not null) return;
            // Deliveries still waiting in _deliveries when the connection drops were given back by the broker: skip them.
            connection.ConnectionShutdownAsync += (_, _) => { Interlocked.Increment(ref _generation); return Task.CompletedTask; };
            var channel = await connection.CreateChannelAsync(cancellationToken: ct);
            await channel.BasicQosAsync(0, (ushort)Math.Max(1, jobOptions.Value.Slots), global: false, ct);
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, e) =>
            {
                _deliveries.Writer.TryWrite(new Delivery(channel, e.DeliveryTag, e.Redelivered, Encoding.UTF8.GetString(e.Body.Span), Volatile.Read(ref _generation),
                    e.BasicProperties.Headers?.TryGetValue("x-delivery-count", out var count) == true ? Convert.ToInt64(count) : 0));
                return Task.CompletedTask;
            };
            await channel.BasicConsumeAsync(rabbit.Topology.JobQueue, autoAck: false, consumer, ct);
            _consumerChannel = channel;
            log.LogInformation("Taking jobs from RabbitMQ queue {Queue} ({Slots} at a time)", rabbit.Topology.JobQueue, jobOptions.Value.Slots);
        }
        finally { _starting.Release(); }
    }

    /// <summary>Messages ready in the job queue (not counting those delivered and unacknowledged).</summary>
    public async Task<uint> ReadyCountAsync(CancellationToken ct)
    {
        var publisher = await PublisherAsync(ct);
        return (await publisher.QueueDeclarePassiveAsync(rabbit.Topology.JobQueue, ct)).MessageCount;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in new[] { _consumerChannel, _publisher })
        {
            if (channel is null) continue;
            try { await channel.CloseAsync(); } catch (Exception e) { log.LogDebug(e, "closing a job queue channel"); }
            channel.Dispose();
        }
    }
}
