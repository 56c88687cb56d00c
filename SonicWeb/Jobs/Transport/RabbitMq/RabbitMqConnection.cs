using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace SonicWeb.Jobs.Transport.RabbitMq;

/// <summary>
/// This node's one connection to the broker. The first connection is retried in the background until
/// the broker answers (the app starts even while RabbitMQ is down; jobs wait in the database meanwhile);
/// after that RabbitMQ.Client's automatic recovery reconnects, re-declares the node's queues and
/// restarts its consumers by itself. Users await <see cref="GetAsync"/>.
/// </summary>
public sealed class RabbitMqConnection : IAsyncDisposable
{
    /// <summary>This process among the nodes: events it published come back from the fanout and are skipped.</summary>
    public string NodeId { get; } = Guid.NewGuid().ToString("N");

    public RabbitMqTopology Topology { get; }

    private readonly ConnectionFactory _factory;
    private readonly ILogger<RabbitMqConnection> _log;
    private readonly CancellationTokenSource _disposed = new();
    private readonly Lazy<Task<IConnection>> _connection;

    public RabbitMqConnection(IOptions<QueueOptions> options, ILogger<RabbitMqConnection> log)
    {
        _log = log;
        Topology = new RabbitMqTopology(options.Value.RabbitMq);
        _factory = new ConnectionFactory
        {
            Uri = new Uri(options.Value.RabbitMq.Uri),
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = TimeSpan.FromSeconds(2),
            RequestedHeartbeat = TimeSpan.FromSeconds(10),
            ClientProvidedName = "sonicweb-" + NodeId[..8],
        };
        _connection = new Lazy<Task<IConnection>>(() => ConnectWithRetryAsync(_disposed.Token));
    }

    /// <summary>The connection, once the broker has answered once (waits until then).</summary>
    public Task<IConnection> GetAsync(CancellationToken ct) => _connection.Value.WaitAsync(ct);

    public bool IsOpen => _connection.IsValueCreated && _connection.Value.IsCompletedSuccessfully && _connection.Value.Result.IsOpen;

    private async Task<IConnection> ConnectWithRetryAsync(CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                var connection = await _factory.CreateConnectionAsync(ct);
                connection.ConnectionShutdownAsync += (_, e) => { _log.LogWarning("RabbitMQ connection lost: {Reason}", e.ReplyText); return Task.CompletedTask; };
                connection.RecoverySucceededAsync += (_, _) => { _log.LogInformation("RabbitMQ connection recovered"); return Task.CompletedTask; };
                await using (var channel = await connection.CreateChannelAsync(cancellationToken: ct))
                    await Topology.DeclareAsync(channel, ct);
                _log.LogInformation("Connected to RabbitMQ at {Host}:{Port} as node {Node}", _factory.HostName, _factory.Port, NodeId);
                return connection;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                if (attempt == 1 || attempt % 10 == 0) _log.LogWarning("RabbitMQ at {Host}:{Port} not reachable (attempt {Attempt}): {Error}; retrying", _factory.HostName, _factory.Port, attempt, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, attempt)), ct);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed.Cancel();
        if (_connection.IsValueCreated && _connection.Value.IsCompletedSuccessfully)
        {
            var connection = _connection.Value.Result;
            try { await connection.CloseAsync(TimeSpan.FromSeconds(2)); } catch (Exception e) { _log.LogDebug(e, "closing the RabbitMQ connection"); }
            connection.Dispose();
        }
        _disposed.Dispose();
    }
}
