using System.Security.Cryptography;

namespace SonicWeb.Data;

/// <summary>
/// AwaitingConfirmation: a "preview first" job whose first frame waits for the user to confirm the full render.
/// Checking: accepted while the server was busy; the background check (face, audio) moves it to Queued or Failed.
/// Held: a batch's job that passed its checks and waits until every other pair of the batch has passed too.
/// Stored by name: new states are added at the end.
/// </summary>
public enum JobStatus { Queued, Running, Succeeded, Failed, Cancelled, AwaitingConfirmation, Checking, Held }

/// <summary>
/// One generation job: the row in SQLite is the queue's source of truth. Times are UTC. Paths are
/// relative to the data directory.
/// </summary>
public sealed class Job
{
    /// <summary>24 random hex characters: not guessable, safe in paths and URLs.</summary>
    public string Id { get; set; } = NewId();
    public JobStatus Status { get; set; } = JobStatus.Queued;

    /// <summary>What the history shows: the name given by the user, else the photo's file name.</summary>
    public string Name { get; set; } = "";
    /// <summary>The owner's display name when the job was submitted (free text on jobs from before accounts).</summary>
    public string? Submitter { get; set; }
    /// <summary>The user who submitted it (AspNetUsers.Id); null on jobs from before accounts.</summary>
    public string? OwnerId { get; set; }
    /// <summary>The batch this job belongs to (null for single jobs): such jobs raise one message per batch.</summary>
    public string? BatchId { get; set; }

    /// <summary>Where the job's final status is POSTed (a webhook; checked when submitted), or null.</summary>
    public string? CallbackUrl { get; set; }

    /// <summary>The parameters with the API's names (min_resolution, ...), as JSON.</summary>
    public string ParametersJson { get; set; } = "{}";
    public string Backend { get; set; } = "builtin";

    public string ImageFileName { get; set; } = "";
    public string ImagePath { get; set; } = "";
    public long ImageBytes { get; set; }
    public string ImageSha256 { get; set; } = "";
    public string AudioFileName { get; set; } = "";
    public string AudioPath { get; set; } = "";
    public long AudioBytes { get; set; }
    public string AudioSha256 { get; set; } = "";
    /// <summary>Hash of both inputs and the parameters: equal hashes may reuse a finished output.</summary>
    public string InputHash { get; set; } = "";

    public double AudioSeconds { get; set; }
    public double VideoSeconds { get; set; }
    public int Width { get; set; }
    public int Height { get; set; }
    public double EstimatedSeconds { get; set; }

    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
    /// <summary>When it (re-)entered the queue: orders the queue; retry puts a job at the end.</summary>
    public DateTime QueuedAt { get; set; } = DateTime.UtcNow;
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    /// <summary>Times a worker started it (a run interrupted by a restart counts).</summary>
    public int Attempts { get; set; }

    public string? Stage { get; set; }
    public int FramesDone { get; set; }
    public int FramesTotal { get; set; }
    public double? GenerationSeconds { get; set; }
    public int? Seed { get; set; }
    public string? WarningsJson { get; set; }
    public string? StageSecondsJson { get; set; }

    public string? ErrorCode { get; set; }
    public string? ErrorMessage { get; set; }

    public string? OutputPath { get; set; }
    public string? ThumbnailPath { get; set; }
    public string? ReusedFromJobId { get; set; }

    // Review (issue 5): only the decision is stored; "Pending" is derived (Succeeded and no decision
    // yet), so jobs finished before reviews existed, or reused outputs, are pending without a write.
    /// <summary>The latest decision: Approved or ChangesRequested; null until a reviewer decides.</summary>
    public Reviews.ReviewState? ReviewDecision { get; set; }
    public string? ReviewComment { get; set; }
    public DateTime? ReviewedAt { get; set; }
    public string? ReviewerId { get; set; }
    /// <summary>The reviewer's display name at the time of the decision.</summary>
    public string? ReviewerName { get; set; }

    /// <summary>
    /// When the retention policy (Retention:MaxAgeDays / MaxTotalBytes) removed the job's files. The row stays in
    /// the history, marked expired; its video answers 410 Gone. Null: the files are kept.
    /// </summary>
    public DateTime? ExpiredAt { get; set; }

    public bool IsFinished => Status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Cancelled;

    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
}
