using Microsoft.AspNetCore.SignalR;
using SonicWeb.Jobs.Transport;

namespace SonicWeb.Hubs;

/// <summary>
/// Forwards every job's events to the public hub: "progress" (<see cref="Jobs.JobProgressMessage"/>) and
/// "status" (<see cref="Jobs.JobView"/>) to the job's group, which only callers who may see the job can
/// join (<see cref="JobsHub.Join"/>). A push that fails is logged; the job never notices.
/// <para>
/// Several nodes: each event must enter the hub exactly once. Without a backplane a group send reaches
/// only this node's connections, so every node forwards every event it hears (its own and those relayed
/// from other nodes by the queue transport) to its own clients. With the Redis backplane
/// (Redis:Configuration) a group send reaches the group's connections on every node, so a node forwards
/// only the events that happened on it: forwarding relayed ones too would give each client one copy per
/// node. That is why a worker node needs this bridge (and the backplane) as well when Redis is on: its
/// jobs' events reach web nodes' hub clients through Redis.
/// </para>
/// </summary>
public sealed class JobsHubBridge(IJobEvents events, IJobEventOrigins origins, IHubContext<JobsHub> hub, IConfiguration config, ILogger<JobsHubBridge> log) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken ct)
    {
        Func<JobEvent, Task> forward = e => e switch
        {
            JobProgressed p => SendAsync(e.JobId, "progress", p.Progress),
            JobStatusChanged s => SendAsync(e.JobId, "status", s.Job),
            _ => Task.CompletedTask,
        };
        _subscription = SignalRBackplane.IsConfigured(config) ? origins.SubscribeOriginatedHere(forward) : events.Subscribe(null, forward);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    private async Task SendAsync(string jobId, string method, object payload)
    {
        try { await hub.Clients.Group(JobsHub.GroupFor(jobId)).SendAsync(method, payload); }
        catch (Exception e) { log.LogWarning(e, "Could not push {Method} for job {JobId}", method, jobId); }
    }
}
