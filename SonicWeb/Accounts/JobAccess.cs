using System.Security.Claims;
using SonicWeb.Api;
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
        Review = job.Review with { Comment = null }, // the state is team information; the comment is for those who may open the job
    };

    private static readonly System.Text.Json.JsonElement EmptyObject = System.Text.Json.JsonDocument.Parse("{}").RootElement.Clone();

    private static ApiProblemException Forbidden(string message) => new(StatusCodes.Status403Forbidden, AuthProblems.ForbiddenCode, message);
}
