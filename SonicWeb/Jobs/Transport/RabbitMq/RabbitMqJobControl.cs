using System.Collections.Concurrent;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace SonicWeb.Jobs.Transport.RabbitMq;

/// <summary>
/// Stopping work on whichever node runs it. Work registers locally (as in process); a stop request goes
/// to the control fanout exchange, every node (this one included) looks in its own table, stops the work
/// it has and answers the asker directly (its node queue, through the default exchange).
/// <see cref="StopAsync"/> is true when some node answered within <see cref="AnswerWait"/>: best effort,
/// since a node that is cut off from the broker neither hears the request nor answers (the job then runs
/// on; the user may cancel again). The same question without the stop ("does anyone run job X?") lets the
/// queue tell a dead worker's job from one whose worker only lost its broker connection for a moment.
/// </summary>
public sealed class RabbitMqJobControl(RabbitMqConnection rabbit, ILogger<RabbitMqJobControl> log) : IJobControl, IAsyncDisposable
{
    /// <summary>How long an asker waits for answers; nodes answer in milliseconds when they are connected.</summary>
    public static readonly TimeSpan AnswerWait = TimeSpan.FromSeconds(2);

    private sealed record ControlMessage(string Kind, string JobId, string RequestId, string ReplyTo);
    private const string Stop = "stop", Probe = "probe", Answer = "answer";

    private readonly InProcessJobControl _local = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _pending = new();
    private readonly SemaphoreSlim _publishing = new(1, 1);
    private IChannel? _channel;
    private string QueueName => rabbit.Topology.ControlExchange + "." + rabbit.NodeId;

    public IDisposable Register(string jobId, Action stop) => _local.Register(jobId, stop);

    public Task<bool> StopAsync(string jobId, CancellationToken ct) => AskAsync(Stop, jobId, ct);

    /// <summary>True when some node answers that work on the job runs there (false also when the broker cannot be reached).</summary>
    public Task<bool> IsRunningAnywhereAsync(string jobId, CancellationToken ct) => AskAsync(Probe, jobId, ct);

    /// <summary>Binds this node's control queue and starts answering (once the broker is reachable).</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        var connection = await rabbit.GetAsync(ct);
        var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        await channel.QueueDeclareAsync(QueueName, durable: false, exclusive: true, autoDelete: true, arguments: null, cancellationToken: ct);
        await channel.QueueBindAsync(QueueName, rabbit.Topology.ControlExchange, "", cancellationToken: ct);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, e) => OnMessageAsync(e.Body);
        await channel.BasicConsumeAsync(QueueName, autoAck: true, consumer, ct);
        _channel = channel;
    }

    private async Task<bool> AskAsync(string kind, string jobId, CancellationToken ct)
    {
        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requestId = Guid.NewGuid().ToString("N");
        _pending[requestId] = answered;
        try
        {
            try { await PublishAsync(rabbit.Topology.ControlExchange, "", new ControlMessage(kind, jobId, requestId, QueueName), ct); }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                log.LogWarning("Could not send '{Kind}' for job {JobId} through RabbitMQ ({Error}); only this node was asked", kind, jobId, e.Message);
                return kind == Stop ? await _local.StopAsync(jobId, ct) : _local.IsRegistered(jobId);
            }
            var first = await Task.WhenAny(answered.Task, Task.Delay(AnswerWait, ct));
            return first == answered.Task;
        }
        finally { _pending.TryRemove(requestId, out _); }
    }

    private async Task OnMessageAsync(ReadOnlyMemory<byte> body)
    {
        ControlMessage? message;
        try { message = JsonSerializer.Deserialize<ControlMessage>(body.Span); }
        catch (JsonException e) { log.LogWarning("Ignored an unreadable control message: {Error}", e.Message); return; }
        if (message is null) return;
        if (message.Kind == Answer)
        {
            if (_pending.TryGetValue(message.RequestId, out var waiting)) waiting.TrySetResult();
            return;
        }
        bool here = message.Kind == Stop ? await _local.StopAsync(message.JobId, CancellationToken.None) : _local.IsRegistered(message.JobId);
        if (!here) return;
        if (message.Kind == Stop) log.LogInformation("Job {JobId}: stop request from another node reached its work here", message.JobId);
        try { await PublishAsync("", message.ReplyTo, message with { Kind = Answer }, CancellationToken.None); }
        catch (Exception e) { log.LogWarning("Could not answer '{Kind}' for job {JobId}: {Error}", message.Kind, message.JobId, e.Message); }
    }

    private async Task PublishAsync(string exchange, string routingKey, ControlMessage message, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(AnswerWait);
        var channel = _channel ?? throw new InvalidOperationException("not connected to RabbitMQ yet");
        await _publishing.WaitAsync(timeout.Token);
        try { await channel.BasicPublishAsync(exchange, routingKey, JsonSerializer.SerializeToUtf8Bytes(message), timeout.Token); }
        finally { _publishing.Release(); }
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is { } channel)
        {
            try { await channel.CloseAsync(); } catch (Exception e) { log.LogDebug(e, "closing the control channel"); }
            channel.Dispose();
        }
    }
}
