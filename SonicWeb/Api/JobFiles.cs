using Microsoft.AspNetCore.Http.HttpResults;
using SonicWeb.Data;
using SonicWeb.Errors;
using SonicWeb.Jobs.Lifecycle;
using SonicWeb.Storage;

namespace SonicWeb.Api;

/// <summary>
/// Answers with a job's files once the caller may have them: the API's own endpoints (after the
/// access check) and signed links (after the signature check) serve the same bytes the same way.
/// </summary>
public static class JobFiles
{
    /// <summary>The MP4 with range requests (seeking); <paramref name="download"/> adds a file name.</summary>
    public static PhysicalFileHttpResult Video(Job job, StoragePaths paths, bool download)
    {
        if (job.ExpiredAt is { } expired) throw JobLifecycle.Expired(job.Id, expired);
        if (job.Status != JobStatus.Succeeded || job.OutputPath is null || !File.Exists(paths.Absolute(job.OutputPath)))
            throw new NotFoundException($"Job {job.Id} has no video ({job.Status}).");
        var fileName = download ? DownloadNames.Safe(job.Name, "video", allowDots: false) + ".mp4" : null;
        return TypedResults.PhysicalFile(paths.Absolute(job.OutputPath), "video/mp4", fileName, enableRangeProcessing: true);
    }

    /// <summary>The newest preview frame, else the thumbnail; never cached (it changes while the job runs).</summary>
    public static async Task<FileContentHttpResult> PreviewAsync(string id, HttpContext http, StoragePaths paths, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        foreach (var path in new[] { paths.Preview(id), paths.Thumbnail(id) })
        {
            try { return TypedResults.File(await File.ReadAllBytesAsync(path, ct), "image/jpeg"); }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { }
        }
        throw new NotFoundException($"Job {id} has no preview yet.");
    }

    /// <summary>The first rendered frame, or the uploaded photo before there is one.</summary>
    public static PhysicalFileHttpResult Thumbnail(Job job, StoragePaths paths)
    {
        if (job.ExpiredAt is { } expired) throw JobLifecycle.Expired(job.Id, expired);
        if (job.ThumbnailPath is { } thumb && File.Exists(paths.Absolute(thumb)))
            return TypedResults.PhysicalFile(paths.Absolute(thumb), "image/jpeg");
        var image = paths.Absolute(job.ImagePath);
        if (!File.Exists(image)) throw new NotFoundException($"Job {job.Id} has no picture.");
        var type = Path.GetExtension(image) switch { ".png" => "image/png", ".webp" => "image/webp", _ => "image/jpeg" };
        return TypedResults.PhysicalFile(image, type);
    }
}
