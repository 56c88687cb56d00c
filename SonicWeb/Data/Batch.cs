namespace SonicWeb.Data;

/// <summary>
/// A group of jobs made from one upload (one portrait with many recordings, or a zip of pairs). Its
/// jobs carry <see cref="Job.BatchId"/>; counts and progress are computed from them.
/// </summary>
public sealed class Batch
{
    /// <summary>24 random hex characters, like job ids.</summary>
    public string Id { get; set; } = Job.NewId();
    public string Name { get; set; } = "";
    public string? OwnerId { get; set; }
    public string? Submitter { get; set; }
    /// <summary>How many jobs the batch was created with.</summary>
    public int JobCount { get; set; }
    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;

    /// <summary>
    /// Set once every pair passed its checks and the jobs joined the queue. Until then the jobs wait
    /// (AwaitingConfirmation) and the batch can still be rolled back as a whole.
    /// </summary>
    public DateTime? ReleasedAt { get; set; }

    /// <summary>
    /// When the batch was last seen complete (every job in a final state) and its owner was told.
    /// Setting it is the once-only claim of the "batch finished" message; retrying a job clears it.
    /// </summary>
    public DateTime? FinishedAt { get; set; }
}
