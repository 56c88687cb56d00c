using System.IO.Compression;
using SonicWeb.Batches;

namespace SonicWeb.Api;

/// <summary>One MP4 to put in a zip: the name it gets (made safe and unique) and where it is on disk.</summary>
public sealed record ZipVideo(string Name, string AbsolutePath, DateTime FinishedAt);

/// <summary>
/// Streams a zip of finished videos as the HTTP response while reading them: nothing is built on disk or in
/// memory, so a zip of many large videos starts downloading at once. MP4s are stored, not compressed again.
/// Used by the batch zip and the history's zip of selected videos.
/// </summary>
public static class VideoZip
{
    public static async Task WriteAsync(HttpContext http, string zipName, IReadOnlyList<ZipVideo> videos, CancellationToken ct)
    {
        http.Response.ContentType = "application/zip";
        var disposition = new Microsoft.Net.Http.Headers.ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(DownloadNames.Safe(zipName, "videos") + ".zip");
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
                await using var source = new FileStream(video.AbsolutePath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
                await source.CopyToAsync(target, ct);
            }
        }
        await body.FlushAsync(ct); // the central directory
    }
}
