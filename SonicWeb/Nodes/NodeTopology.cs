using SonicWeb.Data;
using SonicWeb.Jobs.Transport;

namespace SonicWeb.Nodes;

/// <summary>
/// Whether other SonicWeb processes may share this one's database and storage root: a PostgreSQL database
/// (several machines), the RabbitMQ transport (several processes, on one machine even with one SQLite file), or a
/// role other than <c>all</c> (a web node beside its workers). When shared, nothing found at start is this
/// process's own leftover by default: a Running job, an upload being received or an ffmpeg process may belong to a
/// live node, so the start-up clean-up is as careful as the timer's and jobs are requeued only when no live worker
/// lists them. One installation process alone owns everything it finds.
/// </summary>
/// <param name="BrokerRedelivers">
/// RabbitMQ gives a dead worker's unacknowledged job back (and dead-letters a job that keeps killing its workers,
/// Queue:RabbitMq:MaxDeliveries); without it, the workers' heartbeats tell which Running jobs lost their worker.
/// </param>
public sealed record NodeTopology(bool Shared, bool BrokerRedelivers)
{
    /// <summary>Running jobs of dead workers are found from the Workers table (<see cref="StaleJobRecovery"/>): shared, no broker.</summary>
    public bool RecoversFromHeartbeats => Shared && !BrokerRedelivers;

    public static NodeTopology From(DatabaseOptions database, QueueOptions queue, NodeOptions node) =>
        new(database.Shared || queue.UsesRabbitMq || node.Role != NodeRole.All, queue.UsesRabbitMq);
}
