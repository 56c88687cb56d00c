using System.Security.Claims;
using SonicWeb.Errors;
using SonicWeb.Jobs;

namespace SonicWeb.Accounts;

/// <summary>
/// Who may do what with a job. Admins: everything. Reviewers: read every job (page, video, preview,
/// live progress), change nothing. Operators: read and act on (cancel, retry, re-run, delete) their
/// own jobs; other people's jobs appear in the team history as a summary line only. Jobs from
/// before accounts existed have no owner: admins and reviewers only.
/// </summary>
public static class JobAccess
{
    public static string? UserId(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier);

    public static string DisplayName(this ClaimsPrincipal user) =>
        user.FindFirstValue(SonicClaimsFactory.DisplayNameClaim) ?? user.Identity?.Name ?? "";

    public static bool CanRead(this ClaimsPrincipal user, string? ownerId) =>
        user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Reviewer) || IsOwner(user, ownerId);

    public static bool CanAct(this ClaimsPrincipal user, string? ownerId) =>
        user.IsInRole(Roles.Admin) || (user.IsInRole(Roles.Operator) && IsOwner(user, ownerId));

    public static bool CanSubmit(this ClaimsPrincipal user) => user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Operator);

    public static bool CanReview(this ClaimsPrincipal user) => user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Reviewer);

    /// <summary>The user as the owner of a job they submit (the submitter shown is their display name).</summary>
    public static JobOwner AsJobOwner(this ClaimsPrincipal user) =>
        new(user.UserId() ?? throw new InvalidOperationException("an authenticated user has an id"), user.DisplayName());

    /// <summary>The actions the job's state offers that this user may use: the buttons a page shows.</summary>
    public static JobActions ActionsFor(this ClaimsPrincipal user, JobView job)
    {
        bool act = user.CanAct(job.OwnerId), read = user.CanRead(job.OwnerId);
        var offered = job.Actions;
        return new JobActions(offered.Cancel && act, offered.Retry && act, offered.Confirm && act, offered.Rerun && act, offered.Delete && act,
            offered.Review && read && user.CanReview(), offered.Download && read);
    }

    private static bool IsOwner(ClaimsPrincipal user, string? ownerId) =>
        ownerId != null && user.UserId() is { } id && id == ownerId;

    public static void EnsureCanRead(this ClaimsPrincipal user, string id, string? ownerId)
    {
        if (!user.CanRead(ownerId)) throw Forbidden($"Job {id} belongs to someone else; your role may not open it.");
    }

    public static void EnsureCanAct(this ClaimsPrincipal user, string id, string? ownerId)
    {
        if (!user.CanAct(ownerId)) throw Forbidden($"Job {id} belongs to someone else or your role may only read jobs.");
    }

    /// <summary>A team-history line of a job the caller may not open: no parameters, warnings, errors or video.</summary>
    public static JobView Summary(JobView job) => job with
    {
        Parameters = EmptyObject, Warnings = [], Error = null, Seed = null, ReusedFrom = null, HasVideo = false,
        Actions = job.Actions with { Download = false },
        Review = job.Review with { Comment = null }, // the state is team information; the comment is for those who may open the job
    };

    private static readonly System.Text.Json.JsonElement EmptyObject = System.Text.Json.JsonDocument.Parse("{}").RootElement.Clone();

    private static ForbiddenException Forbidden(string message) => new(message);
}
