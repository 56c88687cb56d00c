using Microsoft.AspNetCore.SignalR;
using SonicWeb.Jobs.Transport;

namespace SonicWeb.Hubs;

/// <summary>
/// Forwards every job's events to the public hub: "progress" (<see cref="Jobs.JobProgressMessage"/>) and
/// "status" (<see cref="Jobs.JobView"/>) to the job's group, which only callers who may see the job can
/// join (<see cref="JobsHub.Join"/>). A push that fails is logged; the job never notices.
/// </summary>
public sealed class JobsHubBridge(IJobEvents events, IHubContext<JobsHub> hub, ILogger<JobsHubBridge> log) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken ct)
    {
        _subscription = events.Subscribe(null, e => e switch
        {
            JobProgressed p => SendAsync(e.JobId, "progress", p.Progress),
            JobStatusChanged s => SendAsync(e.JobId, "status", s.Job),
            _ => Task.CompletedTask,
        });
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
