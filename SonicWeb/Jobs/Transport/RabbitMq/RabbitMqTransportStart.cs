namespace SonicWeb.Jobs.Transport.RabbitMq;

/// <summary>
/// Binds this node's control and events queues once the broker answers, without holding up the app's
/// start: pages and the API work while RabbitMQ is still unreachable (jobs wait as Queued rows).
/// </summary>
public sealed class RabbitMqTransportStart(RabbitMqJobControl control, RabbitMqJobEvents events, ILogger<RabbitMqTransportStart> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        try
        {
            await control.StartAsync(stopping);
            await events.StartAsync(stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
        catch (Exception e) { log.LogError(e, "Could not bind this node's RabbitMQ queues; stop requests and events from other nodes do not reach it"); }
    }
}
