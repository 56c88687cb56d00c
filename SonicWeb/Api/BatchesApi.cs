using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SonicWeb.Engine.Backends;
using SonicWeb.Accounts;
using SonicWeb.Batches;
using SonicWeb.Errors;
using SonicWeb.Jobs;
using SonicWeb.Presets;
using SonicWeb.Reliability;
using SonicWeb.Storage;

using SonicWeb.Api.OpenApi;

namespace SonicWeb.Api;

/// <summary>
/// /api/batches: one portrait with many recordings (or a zip of pairs) as one job per pair, grouped.
/// Submitting needs the submit policy (admins, operators); reading a batch and its zip follows the
/// job rules (admins and reviewers every batch, operators their own).
/// </summary>
public static class BatchesApi
{
    public static void MapBatchesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/batches").WithTags("Batches").AddEndpointFilter<ApiProblemFilter>().RequireAuthorization();
        group.MapPost("/", SubmitAsync).WithName("SubmitBatch").RequireAuthorization(Policies.Submit)
            .DocumentsProblems(ProblemResponses.Submit).DocumentsBody<BatchSubmissionForm>("multipart/form-data")
            .WithSummary("Queue a batch: multipart with one 'image' and several 'audio' files, or a zip in 'archive' (a photo and recordings, or a pairs.csv with image,audio[,name]); parameters and preset as for a single job.");
        group.MapGet("/{id}", GetAsync).WithName("GetBatch").DocumentsProblems(ProblemResponses.ReadOne)
            .WithSummary("The batch: counts by status, frames done of all its jobs, and the jobs themselves.");
        group.MapGet("/{id}/zip", ZipAsync).WithName("GetBatchZip").DocumentsProblems(ProblemResponses.ReadOne)
            .Produces(200, typeof(Stream), "application/zip").WithSummary("A zip of the batch's finished videos, named after their recordings (404 before the first).");
    }

    /// <summary>Reads the multipart body, applies a preset and binds the parameters once for every pair, then submits the batch.</summary>
    public static async Task<Results<Accepted<BatchView>, ProblemHttpResult>> SubmitAsync(
        HttpContext http, BatchService batches, PresetService presets, StoragePaths paths, IOptions<StorageOptions> storage, IOptions<BatchOptions> options, CancellationToken ct)
    {
        await using var upload = await BatchUploadReader.ReadAsync(http.Request, paths.NewStagingFolder(), storage.Value.MaxUploadBytes, options.Value, ct);
        // Once for the whole batch, so a typo in a parameter is reported once rather than per pair.
        await presets.ApplyAsync(upload.Fields, ct);
        var choices = SubmitOptions.From(upload.Fields);
        var parameters = ParameterBinder.Bind(upload.Fields, http.RequestServices.GetRequiredService<GenerationBackends>().ParameterDefaultsFor(choices.Backend));
        var batch = await batches.SubmitAsync(new SubmitBatch(upload.Folder, upload.Images, upload.Audios, upload.Archive, parameters,
            http.User.AsJobOwner(), upload.Fields.GetValueOrDefault("name"), choices.PreviewFirst, choices.Backend), ct);
        return TypedResults.Accepted(batch.Links.Self, batch);
    }

    public static async Task<Results<Ok<BatchView>, ProblemHttpResult>> GetAsync(string id, ClaimsPrincipal user, BatchQueries batches, CancellationToken ct) =>
        TypedResults.Ok(await batches.GetForAsync(id, user, ct));

    /// <summary>Streams the zip while reading the videos: nothing is built on disk or in memory. MP4s are stored, not compressed again.</summary>
    public static async Task<Results<EmptyHttpResult, ProblemHttpResult>> ZipAsync(
        string id, HttpContext http, BatchQueries batches, StoragePaths paths, FileLeases leases, CancellationToken ct)
    {
        var batch = await batches.GetEntityForAsync(id, http.User, ct);
        // Lease, then read again: a video the retention sweep expired meanwhile is left out, any other is kept until the zip is sent.
        foreach (var video in await batches.FinishedVideosAsync(id, ct)) http.Response.RegisterForDispose(leases.Acquire(video.JobId));
        var videos = (await batches.FinishedVideosAsync(id, ct)).Where(v => File.Exists(paths.Absolute(v.Path))).ToList();
        if (videos.Count == 0) throw new NotFoundException($"Batch {id} has no finished videos yet.");

        await VideoZip.WriteAsync(http, batch.Name, videos.Select(v => new ZipVideo(v.Name, paths.Absolute(v.Path), v.FinishedAt)).ToList(), ct);
        return TypedResults.Empty;
    }
}
