using Microsoft.AspNetCore.SignalR;
using SonicWeb.Jobs;
using SonicWeb.Storage;

namespace SonicWeb.Hubs;

/// <summary>
/// Live job updates at /hubs/jobs. A client calls Join(jobId) and then receives "progress"
/// (<see cref="JobProgressMessage"/>) and "status" (<see cref="JobView"/>) messages for that job.
/// Join returns the job's current state so a page opened mid-run starts from the truth.
/// Who may watch which job is decided here once accounts exist; today anyone with the id may.
/// </summary>
public sealed class JobsHub(JobQueries queries) : Hub
{
    public static string GroupFor(string jobId) => "job-" + jobId;

    public async Task<JobView?> Join(string jobId)
    {
        if (!StoragePaths.IsValidJobId(jobId)) throw new HubException("Unknown job.");
        var job = await queries.GetAsync(jobId, Context.ConnectionAborted) ?? throw new HubException("Unknown job.");
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupFor(jobId), Context.ConnectionAborted);
        return job;
    }

    public Task Leave(string jobId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupFor(jobId));
}
