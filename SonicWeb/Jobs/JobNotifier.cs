using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using SonicWeb.Hubs;

namespace SonicWeb.Jobs;

/// <summary>
/// Pushes job events to the job's SignalR group and keeps the latest preview JPEG of each running job
/// in memory (GET /api/jobs/{id}/preview serves it without touching the disk).
/// </summary>
public sealed class JobNotifier(IHubContext<JobsHub> hub, ILogger<JobNotifier> log)
{
    private readonly ConcurrentDictionary<string, byte[]> _previews = new();

    public byte[]? LatestPreview(string jobId) => _previews.GetValueOrDefault(jobId);

    public void SetPreview(string jobId, byte[] jpeg) => _previews[jobId] = jpeg;

    public void ForgetPreview(string jobId) => _previews.TryRemove(jobId, out _);

    public Task ProgressAsync(JobProgressMessage message) => SendAsync(message.JobId, "progress", message);

    public Task StatusAsync(JobView job) => SendAsync(job.Id, "status", job);

    private async Task SendAsync(string jobId, string method, object payload)
    {
        try { await hub.Clients.Group(JobsHub.GroupFor(jobId)).SendAsync(method, payload); }
        catch (Exception e) { log.LogWarning(e, "Could not push {Method} for job {JobId}", method, jobId); }
    }
}
