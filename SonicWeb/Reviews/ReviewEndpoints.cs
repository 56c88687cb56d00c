using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SonicWeb.Accounts;
using SonicWeb.Api;
using SonicWeb.Errors;
using SonicWeb.Jobs;
using SonicWeb.Security;

namespace SonicWeb.Reviews;

/// <summary>The JSON body of POST /api/jobs/{id}/review.</summary>
/// <param name="Decision">"approved" or "changes_requested".</param>
/// <param name="Comment">Optional when approving, required when requesting changes; at most 2000 characters.</param>
public sealed record ReviewRequest(string? Decision, string? Comment);

/// <summary>
/// Reviewing a finished video: POST /api/jobs/{id}/review for programs (JSON), and the job page's
/// form post /jobs/{id}/review (antiforgery, redirects back to the page). Reviewers and admins only.
/// </summary>
public static class ReviewEndpoints
{
    public static void MapReviewEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/jobs/{id}/review", ApiAsync).WithName("ReviewJob").WithTags("Jobs")
            .AddEndpointFilter<ApiProblemFilter>().RequireAuthorization(Policies.Review).DocumentsProblems([.. ProblemResponses.ActOnJob, 400])
            .WithSummary("Approve a succeeded job's video or request changes (reviewers and admins): {decision: approved | changes_requested, comment}. "
                + "409 unless the job succeeded; the comment is required for changes_requested, at most 2000 characters.");
        app.MapPost("/jobs/{id}/review", FormAsync).RequireAuthorization(Policies.Review)
            .RequireFormToken().ExcludeFromDescription();
    }

    public static async Task<Results<Ok<JobView>, ProblemHttpResult>> ApiAsync(
        string id, ReviewRequest request, ClaimsPrincipal user, ReviewService reviews, CancellationToken ct) =>
        TypedResults.Ok(await reviews.DecideAsync(id, request.Decision, request.Comment, user, ct));

    private static async Task<IResult> FormAsync(
        string id, [FromForm] string? decision, [FromForm] string? comment, ClaimsPrincipal user, ReviewService reviews, CancellationToken ct)
    {
        try
        {
            await reviews.DecideAsync(id, decision, comment, user, ct);
            return Results.Redirect($"/jobs/{id}?review=saved#review");
        }
        catch (Exception e) when (e is InputRejectedException or InvalidStateException)
        {
            return Results.Redirect($"/jobs/{id}?reviewError={Uri.EscapeDataString(e.Message)}#review");
        }
    }
}
