using System.IO.Compression;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SonicWeb.Accounts;
using SonicWeb.Batches;
using SonicWeb.Storage;

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
            .WithSummary("Queue a batch: multipart with one 'image' and several 'audio' files, or a zip in 'archive' (a photo and recordings, or a pairs.csv with image,audio[,name]); parameters and preset as for a single job.");
        group.MapGet("/{id}", GetAsync).WithName("GetBatch");
        group.MapGet("/{id}/zip", ZipAsync).WithName("GetBatchZip").WithSummary("A zip of the batch's finished videos, named after their recordings.");
    }

    public static async Task<Results<Accepted<BatchView>, ProblemHttpResult>> SubmitAsync(
        HttpContext http, BatchService batches, StoragePaths paths, IOptions<StorageOptions> storage, IOptions<BatchOptions> options, CancellationToken ct)
    {
        await using var upload = await BatchUploadReader.ReadAsync(http.Request, paths.NewStagingFolder(), storage.Value.MaxUploadBytes, options.Value, ct);
        var batch = await batches.SubmitAsync(upload, JobsApi.OwnerOf(http.User), ct);
        return TypedResults.Accepted(batch.Links.Self, batch);
    }

    public static async Task<Results<Ok<BatchView>, ProblemHttpResult>> GetAsync(string id, ClaimsPrincipal user, BatchQueries batches, CancellationToken ct)
    {
        CheckId(id);
        var batch = await batches.GetAsync(id, ct) ?? throw NotFound(id);
        EnsureCanRead(user, id, batch.OwnerId);
        return TypedResults.Ok(batch);
    }

    /// <summary>Streams the zip while reading the videos: nothing is built on disk or in memory. MP4s are stored, not compressed again.</summary>
    public static async Task<Results<EmptyHttpResult, ProblemHttpResult>> ZipAsync(
        string id, HttpContext http, BatchQueries batches, StoragePaths paths, CancellationToken ct)
    {
        CheckId(id);
        var batch = await batches.GetEntityAsync(id, ct) ?? throw NotFound(id);
        EnsureCanRead(http.User, id, batch.OwnerId);
        var videos = (await batches.FinishedVideosAsync(id, ct)).Where(v => File.Exists(paths.Absolute(v.Path))).ToList();
        if (videos.Count == 0) throw Problems.NotFound($"Batch {id} has no finished videos yet.");

        http.Response.ContentType = "application/zip";
        var disposition = new Microsoft.Net.Http.Headers.ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(DownloadNames.Safe(batch.Name, "batch") + ".zip");
        http.Response.Headers.ContentDisposition = disposition.ToString();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var body = new AsyncOnlyWriteStream(http.Response.Body);
        await using (var zip = await ZipArchive.CreateAsync(body, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, ct))
        {
            foreach (var video in videos)
            {
                var entry = zip.CreateEntry(DownloadNames.Unique(DownloadNames.Safe(video.Name, "video"), ".mp4", names), CompressionLevel.NoCompression);
                entry.LastWriteTime = video.FinishedAt;
                await using var target = await entry.OpenAsync(ct);
                await using var source = new FileStream(paths.Absolute(video.Path), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
                await source.CopyToAsync(target, ct);
            }
        }
        await body.FlushAsync(ct); // the central directory
        return TypedResults.Empty;
    }

    public static void EnsureCanRead(ClaimsPrincipal user, string id, string? ownerId)
    {
        if (!user.CanRead(ownerId))
            throw new ApiProblemException(StatusCodes.Status403Forbidden, AuthProblems.ForbiddenCode, $"Batch {id} belongs to someone else; your role may not open it.");
    }

    private static void CheckId(string id)
    {
        if (!StoragePaths.IsValidJobId(id)) throw NotFound(id); // batch ids have the job id's shape
    }

    private static ApiProblemException NotFound(string id) => Problems.NotFound($"There is no batch '{id}'.");
}

/// <summary>File names for downloads: letters, digits, dash, underscore and space only.</summary>
public static class DownloadNames
{
    public static string Safe(string name, string fallback)
    {
        var clean = new string(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or ' ' or '.' ? c : '_').ToArray()).Trim().Trim('.');
        return clean.Length == 0 ? fallback : clean.Length > 80 ? clean[..80] : clean;
    }

    /// <summary>"name.mp4", or "name (2).mp4" when that is taken.</summary>
    public static string Unique(string stem, string extension, HashSet<string> taken)
    {
        var name = stem + extension;
        for (int n = 2; !taken.Add(name); n++) name = $"{stem} ({n}){extension}";
        return name;
    }
}
