using System.Text.Json;
using SonicWeb.Data;

namespace SonicWeb.Jobs;

public sealed record JobError(string Code, string Message);

public sealed record JobLinks(string Self, string Page, string Cancel, string Retry, string Video, string Preview, string Thumbnail, string Hub, string Confirm);

/// <summary>A job as the API, the hub and the pages show it: one view model, so they cannot disagree.</summary>
public sealed record JobView(
    string Id,
    string Name,
    string? Submitter,
    JobStatus Status,
    string? Stage,
    int? QueuePosition,
    int Attempts,
    double EstimateSeconds,
    int FramesDone,
    int FramesTotal,
    double? ElapsedSeconds,
    double? RemainingSeconds,
    double? GenerationSeconds,
    double AudioSeconds,
    double VideoSeconds,
    int Width,
    int Height,
    string Backend,
    JsonElement Parameters,
    int? Seed,
    IReadOnlyList<string> Warnings,
    JobError? Error,
    string? ReusedFrom,
    bool HasVideo,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    JobLinks Links)
{
    /// <summary>The submitting user's id (null on jobs from before accounts): access checks use it.</summary>
    public string? OwnerId { get; init; }

    /// <summary>Review state, comment, time and reviewer (state None until the job has succeeded).</summary>
    public Reviews.JobReview Review { get; init; } = Reviews.JobReview.None;
    /// <summary>The batch the job belongs to, if any (its page is /batches/{BatchId}).</summary>
    public string? BatchId { get; init; }

    /// <summary>When the retention policy removed the job's files (null: kept). The row stays; the video answers 410.</summary>
    public DateTime? ExpiredAt { get; init; }
    public bool Expired => ExpiredAt is not null;

    /// <summary>
    /// Absolute signed links to the video, preview and thumbnail that work without credentials until
    /// they expire (API answers only; null elsewhere).
    /// </summary>
    public Links.SignedJobLinks? SignedLinks { get; init; }

    /// <summary>
    /// Whether GET <see cref="JobLinks.Thumbnail"/> has a picture to answer with, as far as the row tells
    /// (<c>Api/JobFiles.Thumbnail</c>: the first rendered frame, else the uploaded photo; an expired job has neither).
    /// False: the pages show a placeholder instead of an image that cannot load. The files themselves are not looked
    /// at (a list would stat two files a row); a picture whose file has gone answers 404, and the pages' img falls back
    /// to the same placeholder (js/thumbnail-fallback.js). Pages only: the API answer does not carry it.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool HasPicture { get; init; }

    /// <summary>What the job's state offers (the caller's role may still forbid it).</summary>
    public JobActions Actions { get; init; } = JobActions.None;

    /// <summary>The status in words, for people.</summary>
    public string StatusText { get; init; } = "";

    /// <summary>The stage in words, or what the job waits for.</summary>
    public string StageText { get; init; } = "";

    public static JobLinks LinksFor(string id) => new(
        $"/api/jobs/{id}", $"/jobs/{id}", $"/api/jobs/{id}/cancel", $"/api/jobs/{id}/retry",
        $"/api/jobs/{id}/video", $"/api/jobs/{id}/preview", $"/api/jobs/{id}/thumbnail", "/hubs/jobs", $"/api/jobs/{id}/confirm");

    public static JobView From(Job j, int? queuePosition, DateTime now)
    {
        double? elapsed = j.StartedAt is { } s ? ((j.Status == JobStatus.Running ? now : j.FinishedAt ?? now) - s).TotalSeconds : null;
        double? remaining = null;
        if (j.Status == JobStatus.Running)
        {
            remaining = j.FramesDone >= 5 && j.FramesTotal > 0 && elapsed is { } e
                ? e / j.FramesDone * (j.FramesTotal - j.FramesDone)
                : Math.Max(0, j.EstimatedSeconds - (elapsed ?? 0));
        }
        else if (j.Status == JobStatus.Queued) remaining = j.EstimatedSeconds;
        bool hasVideo = j.Status == JobStatus.Succeeded && j.OutputPath != null && j.ExpiredAt is null;

        return new JobView(j.Id, j.Name, j.Submitter, j.Status, j.Stage,
            j.Status == JobStatus.Queued ? queuePosition : null, j.Attempts, Math.Round(j.EstimatedSeconds, 1),
            j.FramesDone, j.FramesTotal, Round(elapsed), Round(remaining), Round(j.GenerationSeconds),
            Math.Round(j.AudioSeconds, 2), Math.Round(j.VideoSeconds, 2), j.Width, j.Height, j.Backend,
            JobParameters.AsElement(j.ParametersJson), j.Seed,
            j.WarningsJson is null ? [] : JsonSerializer.Deserialize<List<string>>(j.WarningsJson) ?? [],
            j.ErrorCode is null ? null : new JobError(j.ErrorCode, j.ErrorMessage ?? ""),
            j.ReusedFromJobId, hasVideo,
            j.CreatedAt, j.StartedAt, j.FinishedAt, LinksFor(j.Id))
        {
            OwnerId = j.OwnerId, Review = Reviews.JobReview.From(j), BatchId = j.BatchId, ExpiredAt = j.ExpiredAt,
            HasPicture = j.ExpiredAt is null && (j.ThumbnailPath is not null || !string.IsNullOrEmpty(j.ImagePath)),
            Actions = JobActions.For(j.Status, hasVideo, expired: j.ExpiredAt is not null), StatusText = j.ExpiredAt is null ? JobStatusText.Status(j.Status) : JobStatusText.Expired(j.Status), StageText = JobStatusText.Stage(j.Status, j.Stage),
        };
    }

    private static double? Round(double? v) => v is { } x ? Math.Round(x, 1) : null;
}

/// <summary>A live progress event pushed to the job's SignalR group ("progress").</summary>
public sealed record JobProgressMessage(
    string JobId,
    string Stage,
    int FramesDone,
    int FramesTotal,
    double ElapsedSeconds,
    double? RemainingSeconds,
    string? PreviewUrl,
    long Sequence)
{
    /// <summary>When the server pushed it (UTC): lets watchers measure delivery latency.</summary>
    public DateTime SentAt { get; init; } = DateTime.UtcNow;
}
