using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace SonicWeb.Jobs.Transport.RabbitMq;

/// <summary>
/// Job events on every node. A publish tells this node's watchers first (awaited, exactly as in process),
/// then sends the event to the events fanout exchange; every node's own queue receives it, and each node
/// other than the publisher tells its watchers. One consumer per node handles its queue one message at a
/// time, and one job's events are published one after the other, so they arrive in order.
/// When the broker cannot be reached, other nodes miss the events (progress is only a view: pages read
/// the row again when they reconnect or the job ends); the job itself never waits for it.
/// </summary>
public sealed class RabbitMqJobEvents(RabbitMqConnection rabbit, ILogger<RabbitMqJobEvents> log, ILogger<InProcessJobEvents> localLog)
    : IJobEvents, IJobEventOrigins, IAsyncDisposable
{
    private static readonly TimeSpan SendLimit = TimeSpan.FromSeconds(2);
    private readonly InProcessJobEvents _everything = new(localLog);
    private readonly InProcessJobEvents _originatedHere = new(localLog);
    private readonly SemaphoreSlim _publishing = new(1, 1);
    private IChannel? _channel;
    private DateTime _lastSendWarning = DateTime.MinValue;

    public IDisposable Subscribe(string? jobId, Func<JobEvent, Task> onEvent) => _everything.Subscribe(jobId, onEvent);

    public IDisposable SubscribeOriginatedHere(Func<JobEvent, Task> onEvent) => _originatedHere.Subscribe(null, onEvent);

    public async Task PublishAsync(JobEvent e)
    {
        await _everything.PublishAsync(e);
        await _originatedHere.PublishAsync(e);
        if (_channel is not { } channel) return; // not connected yet: other nodes miss it
        using var timeout = new CancellationTokenSource(SendLimit);
        try
        {
            await _publishing.WaitAsync(timeout.Token);
            try { await channel.BasicPublishAsync(rabbit.Topology.EventsExchange, "", JobEventJson.Serialize(e, rabbit.NodeId), timeout.Token); }
            finally { _publishing.Release(); }
        }
        catch (Exception ex)
        {
            if (DateTime.UtcNow - _lastSendWarning > TimeSpan.FromSeconds(30)) // one line per outage, not one per progress event
            {
                _lastSendWarning = DateTime.UtcNow;
                log.LogWarning("Job events are not reaching other nodes: {Error}", ex.Message);
            }
        }
    }

    /// <summary>Binds this node's events queue and starts relaying other nodes' events (once the broker is reachable).</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        var connection = await rabbit.GetAsync(ct);
        var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        var queue = rabbit.Topology.EventsExchange + "." + rabbit.NodeId;
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: true, arguments: null, cancellationToken: ct);
        await channel.QueueBindAsync(queue, rabbit.Topology.EventsExchange, "", cancellationToken: ct);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) => OnDeliveryAsync(delivery);
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer, ct);
        _channel = channel;
    }

    private async Task OnDeliveryAsync(BasicDeliverEventArgs delivery)
    {
        JobEvent e;
        string node;
        try { (e, node) = JobEventJson.Deserialize(delivery.Body.Span); }
        catch (Exception ex) { log.LogWarning("Ignored an unreadable job event: {Error}", ex.Message); return; }
        if (node == rabbit.NodeId) return; // published here: local watchers have it already
        await _everything.PublishAsync(e);
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is { } channel)
        {
            try { await channel.CloseAsync(); } catch (Exception e) { log.LogDebug(e, "closing the events channel"); }
            channel.Dispose();
        }
    }
}
