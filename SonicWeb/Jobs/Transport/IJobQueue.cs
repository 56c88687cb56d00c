namespace SonicWeb.Jobs.Transport;

/// <summary>
/// The queue between the upload side and the generation workers. The job row (status Queued, QueuedAt)
/// stays the source of truth: the queue only tells workers that there is work, and a claim is a
/// conditional update of the row (<see cref="Running.JobClaims"/>), so a job announced twice still
/// runs once. Today's implementation is in process (<see cref="InProcessJobQueue"/>); a broker-backed
/// one (several machines) replaces it through dependency injection.
/// </summary>
public interface IJobQueue
{
    /// <summary>Announces that the job's row is Queued (call after the row is committed): an idle worker wakes up.</summary>
    void Enqueue(string jobId);

    /// <summary>
    /// Claims the next job for one worker slot: the oldest queued one at once if there is one, else
    /// waits up to <paramref name="wait"/> for an announcement and returns null (the slot asks again).
    /// </summary>
    Task<ClaimedJob?> ClaimNextAsync(TimeSpan wait, CancellationToken ct);

    /// <summary>
    /// The claimed job's run has ended and its final state is committed (not called when the host stops
    /// mid-run: the job is then claimed again after the restart). A broker acknowledges its message here.
    /// </summary>
    Task CompleteAsync(ClaimedJob job, CancellationToken ct);
}
