using Microsoft.AspNetCore.Http.HttpResults;
using SonicWeb.Api;
using SonicWeb.Api.OpenApi;
using SonicWeb.Errors;
using SonicWeb.Jobs;
using SonicWeb.Reliability;
using SonicWeb.Storage;

namespace SonicWeb.Links;

/// <summary>
/// GET /api/links/{token}/{file}: a job's video (with range requests), preview or thumbnail for whoever
/// holds a signed link, no key or cookie needed. 403 for a link that was changed or not made here, 410
/// once it expired, 404 once the job was deleted.
/// </summary>
public static class SignedLinksApi
{
    public static RouteHandlerBuilder MapSignedLinksApi(this IEndpointRouteBuilder app) =>
        app.MapGet(SignedLinks.RoutePrefix + "/{token}/{file}", OpenAsync).WithTags("Links").WithName("OpenSignedLink")
            .WithSummary("Download a job's video, preview or thumbnail through a signed link (no credentials; expires).")
            .AddEndpointFilter<ApiProblemFilter>().AllowAnonymous().DocumentsProblems(403, 404, 410).WithNoCredentials()
            .Produces(200, typeof(Stream), "video/mp4", "image/jpeg", "image/png", "image/webp").Produces(206, typeof(Stream), "video/mp4");

    public static async Task<Results<PhysicalFileHttpResult, FileContentHttpResult, ProblemHttpResult>> OpenAsync(
        string token, string file, HttpContext http, SignedLinks links, JobQueries queries, StoragePaths paths, FileLeases leases, CancellationToken ct)
    {
        switch (links.Check(token))
        {
            case LinkCheck.Expired expired:
                return TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "The link expired",
                    detail: $"This link expired at {expired.At:yyyy-MM-dd HH:mm:ss} UTC; ask the API for the job again to get a fresh one.",
                    extensions: new Dictionary<string, object?> { ["code"] = "link_expired" });
            case LinkCheck.Valid valid:
                http.Response.RegisterForDispose(leases.Acquire(valid.JobId)); // retention keeps the file while it is sent
                var job = await queries.GetEntityAsync(valid.JobId, ct) ?? throw new NotFoundException("The job of this link was deleted.");
                return valid.File switch
                {
                    LinkedFile.Video => JobFiles.Video(job, paths, download: http.Request.Query["download"] is ["1" or "true"]),
                    LinkedFile.Preview => await JobFiles.PreviewAsync(job.Id, http, paths, ct),
                    _ => JobFiles.Thumbnail(job, paths),
                };
            default:
                throw new ForbiddenException("This link is not valid: it was changed, or was not made by this server.");
        }
    }
}
