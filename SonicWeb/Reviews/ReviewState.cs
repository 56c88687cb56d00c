using SonicWeb.Data;

namespace SonicWeb.Reviews;

/// <summary>
/// Where a video stands with the reviewers. None: the job has no finished video (queued, running,
/// failed, cancelled). Pending: it succeeded and nobody has decided yet. Approved / ChangesRequested:
/// the latest decision.
/// </summary>
public enum ReviewState { None, Pending, Approved, ChangesRequested }

/// <summary>A job's review as the API and the pages show it.</summary>
public sealed record JobReview(ReviewState State, string? Comment, DateTime? ReviewedAt, string? Reviewer)
{
    public static readonly JobReview None = new(ReviewState.None, null, null, null);

    public static JobReview From(Job job) => StateOf(job) switch
    {
        ReviewState.None => None,
        ReviewState.Pending => new(ReviewState.Pending, null, null, null),
        var decided => new(decided, job.ReviewComment, job.ReviewedAt, job.ReviewerName),
    };

    /// <summary>The effective state: the stored decision counts only while the job has its video.</summary>
    public static ReviewState StateOf(Job job) =>
        job.Status != JobStatus.Succeeded ? ReviewState.None : job.ReviewDecision ?? ReviewState.Pending;

    /// <summary>Accepts the enum names in any case and the snake/kebab spellings ("changes_requested", "changes-requested").</summary>
    public static bool TryParse(string? text, out ReviewState state)
    {
        var compact = (text ?? "").Trim().Replace("_", "").Replace("-", "");
        state = default;
        return compact.Length > 0 && !char.IsDigit(compact[0]) && Enum.TryParse(compact, ignoreCase: true, out state) && Enum.IsDefined(state);
    }

    /// <summary>The wire spelling used in query strings and emails: "pending", "approved", "changes_requested".</summary>
    public static string Name(ReviewState state) => state switch
    {
        ReviewState.ChangesRequested => "changes_requested",
        _ => state.ToString().ToLowerInvariant(),
    };

    /// <summary>Words for people: "changes requested".</summary>
    public static string Words(ReviewState state) => Name(state).Replace('_', ' ');

    /// <summary>How the state reads on a page: "Awaiting review", "Approved", "Changes requested".</summary>
    public static string Label(ReviewState state) => state switch
    {
        ReviewState.Pending => "Awaiting review",
        ReviewState.Approved => "Approved",
        ReviewState.ChangesRequested => "Changes requested",
        _ => "–",
    };
}
