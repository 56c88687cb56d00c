using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using SonicWeb.Accounts;
using SonicWeb.Data;
using SonicWeb.Errors;
using SonicWeb.Jobs;
using SonicWeb.Notifications;
using SonicWeb.Storage;

namespace SonicWeb.Reviews;

/// <summary>
/// Records a reviewer's decision on a finished video and tells the submitter. The caller has already
/// checked the role (policy <see cref="Policies.Review"/>); this checks the job and the input.
/// A later decision replaces the earlier one (the latest is what counts; each is logged).
/// </summary>
public sealed class ReviewService(
    IDbContextFactory<SonicDbContext> db,
    JobQueries queries,
    IUserNotifications notifications,
    ILogger<ReviewService> log)
{
    /// <summary>Longest reviewer comment, in characters.</summary>
    public const int MaxCommentLength = 2000;

    public async Task<JobView> DecideAsync(string id, string? decisionText, string? comment, ClaimsPrincipal reviewer, CancellationToken ct)
    {
        var decision = ParseDecision(decisionText);
        comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        if (comment?.Length > MaxCommentLength)
            throw InputRejectedException.BadRequest($"The comment has {comment.Length} characters; the limit is {MaxCommentLength}.");
        if (decision == ReviewState.ChangesRequested && comment is null)
            throw InputRejectedException.BadRequest("Say what should change: a comment is required when requesting changes.");

        if (!StoragePaths.IsValidJobId(id)) throw new NotFoundException($"There is no job '{id}'.");
        await using (var context = await db.CreateDbContextAsync(ct))
        {
            var job = await context.Jobs.FirstOrDefaultAsync(j => j.Id == id, ct) ?? throw new NotFoundException($"There is no job '{id}'.");
            reviewer.EnsureCanRead(id, job.OwnerId);
            if (!JobActions.For(job.Status, hasVideo: false).Review)
                throw new InvalidStateException($"Job {id} is {job.Status}; only a finished video (Succeeded) can be reviewed.");
            job.ReviewDecision = decision;
            job.ReviewComment = comment;
            job.ReviewedAt = DateTime.UtcNow;
            job.ReviewerId = reviewer.UserId();
            job.ReviewerName = reviewer.DisplayName();
            await context.SaveChangesAsync(ct);
        }
        log.LogInformation("Job {JobId} reviewed: {Decision} by {ReviewerId} ({CommentLength} characters of comment)",
            id, decision, reviewer.UserId(), comment?.Length ?? 0);
        await notifications.ReviewDecidedAsync(id, CancellationToken.None);
        return await queries.GetAsync(id, ct) ?? throw new NotFoundException($"There is no job '{id}'.");
    }

    private static ReviewState ParseDecision(string? text)
    {
        if (JobReview.TryParse(text, out var state) && state is ReviewState.Approved or ReviewState.ChangesRequested) return state;
        throw InputRejectedException.BadRequest($"decision is '{text}'; it must be 'approved' or 'changes_requested'.");
    }
}
