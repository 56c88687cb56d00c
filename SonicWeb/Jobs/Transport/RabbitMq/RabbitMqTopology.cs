using RabbitMQ.Client;

namespace SonicWeb.Jobs.Transport.RabbitMq;

/// <summary>
/// The broker objects SonicWeb uses, all named after Queue:RabbitMq:Prefix:
/// <list type="bullet">
/// <item>"{prefix}.jobs": the job queue, a durable quorum queue. A message is a job id. Quorum queues
/// (RabbitMQ 3.8+, so 3.10 has them) count returns themselves (header x-delivery-count): a worker that
/// died holding the message gives it back with the count raised, and past <c>x-delivery-limit</c> the
/// broker dead-letters it. Classic
/// queues would need the consumer to count x-death headers and re-publish, which loses the count when the
/// consumer dies, and a job that kills its worker is exactly what the limit is for.</item>
/// <item>"{prefix}.jobs.dead": the dead-letter exchange (fanout) and its durable queue, which the admin
/// page lists.</item>
/// <item>"{prefix}.control": a fanout exchange for stop requests; every node binds its own exclusive,
/// auto-deleted queue.</item>
/// <item>"{prefix}.events": a fanout exchange for job events (progress, status, end); the same per node.</item>
/// </list>
/// </summary>
public sealed class RabbitMqTopology(RabbitMqOptions options)
{
    public string JobQueue => options.Prefix + ".jobs";
    public string DeadLetters => options.Prefix + ".jobs.dead";
    public string ControlExchange => options.Prefix + ".control";
    public string EventsExchange => options.Prefix + ".events";

    /// <summary>
    /// x-delivery-limit counts returns: with limit L a message is delivered at most L + 1 times. The queue
    /// (<see cref="RabbitMqJobQueue"/>) fails a job on the delivery after MaxDeliveries returns and
    /// dead-letters its message itself, so the job's row says why; the broker's limit is the backstop for a
    /// message that stops every worker before the queue can read it.
    /// </summary>
    public int DeliveryLimit => options.MaxDeliveries;

    /// <summary>Declares the shared objects (idempotent: every node does it when it connects).</summary>
    public async Task DeclareAsync(IChannel channel, CancellationToken ct)
    {
        await channel.ExchangeDeclareAsync(DeadLetters, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: ct);
        await channel.QueueDeclareAsync(DeadLetters, durable: true, exclusive: false, autoDelete: false, arguments: null, cancellationToken: ct);
        await channel.QueueBindAsync(DeadLetters, DeadLetters, "", cancellationToken: ct);
        await channel.QueueDeclareAsync(JobQueue, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>
        {
            ["x-queue-type"] = "quorum",
            ["x-delivery-limit"] = DeliveryLimit,
            ["x-dead-letter-exchange"] = DeadLetters,
        }, cancellationToken: ct);
        await channel.ExchangeDeclareAsync(ControlExchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: ct);
        await channel.ExchangeDeclareAsync(EventsExchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: ct);
    }

    /// <summary>This node's own queue on a fanout exchange: server-named, exclusive, gone when the node disconnects.</summary>
    public static async Task<string> DeclareNodeQueueAsync(IChannel channel, string exchange, CancellationToken ct)
    {
        var queue = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, arguments: null, cancellationToken: ct);
        await channel.QueueBindAsync(queue.QueueName, exchange, "", cancellationToken: ct);
        return queue.QueueName;
    }
}
