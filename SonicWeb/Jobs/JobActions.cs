using SonicWeb.Data;

namespace SonicWeb.Jobs;

/// <summary>
/// What a job's state offers, written once for the services (which refuse the rest as invalid_state),
/// the pages and the REST API (<see cref="JobView.Actions"/>). Whether a given user may use them is the
/// other half of the rule (<see cref="Accounts.JobAccess.ActionsFor"/>).
/// </summary>
/// <param name="Cancel">Checking, held, awaiting confirmation, queued or running.</param>
/// <param name="Retry">Failed or cancelled: back to the queue (or to its check) with the same inputs.</param>
/// <param name="Confirm">Awaiting confirmation of its preview: queue the full render.</param>
/// <param name="Rerun">A new job with the same inputs (not once they expired).</param>
/// <param name="Delete">Always: the job and its files go (a running one is stopped first).</param>
/// <param name="Review">Succeeded: reviewers approve the video or ask for changes.</param>
/// <param name="Download">The video exists.</param>
public sealed record JobActions(bool Cancel, bool Retry, bool Confirm, bool Rerun, bool Delete, bool Review, bool Download)
{
    /// <summary>States of a job that has not started rendering: a cancel ends it at once.</summary>
    public static readonly JobStatus[] NotStarted = [JobStatus.Checking, JobStatus.Held, JobStatus.AwaitingConfirmation, JobStatus.Queued];

    /// <summary>States a job ends in (until a retry).</summary>
    public static readonly JobStatus[] Final = [JobStatus.Succeeded, JobStatus.Failed, JobStatus.Cancelled];

    public static readonly JobActions None = new(false, false, false, false, false, false, false);

    /// <param name="expired">The retention policy removed the inputs and outputs: nothing can run from them again.</param>
    public static JobActions For(JobStatus status, bool hasVideo, bool expired = false) => new(
        Cancel: status == JobStatus.Running || NotStarted.Contains(status),
        Retry: (status is JobStatus.Failed or JobStatus.Cancelled) && !expired,
        Confirm: status == JobStatus.AwaitingConfirmation,
        Rerun: !expired,
        Delete: true,
        Review: status == JobStatus.Succeeded,
        Download: hasVideo);
}
