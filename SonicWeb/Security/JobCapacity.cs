using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SonicWeb.Data;
using SonicWeb.Errors;

namespace SonicWeb.Security;

/// <summary>
/// Refuses new work while the installation or the user already holds too many unfinished jobs
/// (<see cref="QueueLimitOptions"/>). The job services call it before a job exists, so the REST API and the
/// pages refuse alike. Two submissions at the same moment may both pass the last free place: the limit
/// bounds the queue, it is not an exact count.
/// </summary>
public sealed class JobCapacity(IDbContextFactory<SonicDbContext> db, IOptions<QueueLimitOptions> options)
{
    private static readonly JobStatus[] Unfinished =
        [JobStatus.Checking, JobStatus.Held, JobStatus.AwaitingConfirmation, JobStatus.Queued, JobStatus.Running];

    /// <summary>Throws <see cref="CapacityExceededException"/> unless <paramref name="newJobs"/> more jobs fit.</summary>
    public async Task EnsureRoomAsync(string? userId, int newJobs, CancellationToken ct)
    {
        var limits = options.Value;
        await using var context = await db.CreateDbContextAsync(ct);
        var unfinished = context.Jobs.Where(j => Unfinished.Contains(j.Status));
        if (limits.MaxUnfinishedJobs > 0 && await unfinished.CountAsync(ct) + newJobs > limits.MaxUnfinishedJobs)
            throw new CapacityExceededException(CapacityExceededException.QueueFullCode,
                $"The queue is full: at most {limits.MaxUnfinishedJobs} unfinished jobs (Queue:MaxUnfinishedJobs). Try again when some have finished.",
                limits.RetryAfterSeconds);
        if (userId is null || limits.MaxUnfinishedJobsPerUser <= 0) return;
        var mine = await unfinished.CountAsync(j => j.OwnerId == userId, ct);
        if (mine + newJobs > limits.MaxUnfinishedJobsPerUser)
            throw new CapacityExceededException(CapacityExceededException.UserLimitCode,
                $"You have {mine} unfinished jobs; at most {limits.MaxUnfinishedJobsPerUser} per user (Queue:MaxUnfinishedJobsPerUser)"
                + (newJobs > 1 ? $" and this adds {newJobs}" : "") + ". Wait until some have finished, or cancel some.",
                limits.RetryAfterSeconds);
    }
}
