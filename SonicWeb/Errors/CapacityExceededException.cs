namespace SonicWeb.Errors;

/// <summary>
/// The installation's queue, or the user's share of it, is full (Queue:MaxUnfinishedJobs,
/// Queue:MaxUnfinishedJobsPerUser): the work is refused now and may be sent again once jobs finished.
/// </summary>
public sealed class CapacityExceededException(string code, string message, int retryAfterSeconds) : DomainException(code, message)
{
    public const string QueueFullCode = "queue_full";
    public const string UserLimitCode = "too_many_unfinished_jobs";

    public int RetryAfterSeconds { get; } = retryAfterSeconds;
}
