using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using SonicWeb.Accounts;
using SonicWeb.Jobs;
using SonicWeb.Storage;

namespace SonicWeb.Hubs;

/// <summary>
/// Live job updates at /hubs/jobs. A client calls Join(jobId) and then receives "progress"
/// (<see cref="JobProgressMessage"/>) and "status" (<see cref="JobView"/>) messages for that job.
/// Join returns the job's current state so a page opened mid-run starts from the truth.
/// Connecting needs a signed-in user or an API key; Join admits only callers who may read the job
/// (<see cref="JobAccess"/>), so a group cannot be entered by guessing an id.
/// </summary>
[Authorize]
public sealed class JobsHub(JobQueries queries) : Hub
{
    public static string GroupFor(string jobId) => "job-" + jobId;

    public async Task<JobView?> Join(string jobId)
    {
        if (!StoragePaths.IsValidJobId(jobId)) throw new HubException("Unknown job.");
        var job = await queries.GetAsync(jobId, Context.ConnectionAborted) ?? throw new HubException("Unknown job.");
        if (Context.User is not { } user || !user.CanRead(job.OwnerId)) throw new HubException("You may not watch this job.");
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupFor(jobId), Context.ConnectionAborted);
        return job;
    }

    public Task Leave(string jobId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupFor(jobId));
}
