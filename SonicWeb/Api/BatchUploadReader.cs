using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using SonicWeb.Batches;
using SonicWeb.Engine.Errors;
using SonicWeb.Errors;
using SonicWeb.Storage;

namespace SonicWeb.Api;

/// <summary>A parsed batch request: text fields, at most one portrait, any number of recordings, at most one zip; all on disk in <see cref="Folder"/>.</summary>
public sealed class BatchUpload(string folder) : IAsyncDisposable
{
    public string Folder { get; } = folder;
    public Dictionary<string, string> Fields { get; } = new(StringComparer.OrdinalIgnoreCase);
    public List<UploadedFile> Images { get; } = [];
    public List<UploadedFile> Audios { get; } = [];
    public UploadedFile? Archive { get; set; }

    /// <summary>Deletes the staging folder with whatever is still in it (accepted files have moved to their jobs).</summary>
    public ValueTask DisposeAsync()
    {
        Storage.StoragePaths.DeleteQuietly(Folder);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Reads a batch's multipart body like <see cref="UploadReader"/> does a single job's (streamed to
/// disk, hashed, per-file limit), but allows the field "audio" many times and a zip in "archive".
/// </summary>
public static class BatchUploadReader
{
    public const string ImageField = "image";
    public const string AudioField = "audio";
    public const string ArchiveField = "archive";

    public static Task<BatchUpload> ReadAsync(HttpRequest request, string folder, long maxFileBytes, BatchOptions options, CancellationToken ct) =>
        UploadReader.ReadStagedAsync(new BatchUpload(folder), async upload =>
        {
            var boundary = UploadReader.Boundary(request, "the batch as multipart/form-data (one 'image' and several 'audio' files, or a zip in 'archive')");

            // Every part has its own limit below; the body as a whole may hold all of them.
            if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
                bodyLimit.MaxRequestBodySize = options.MaxArchiveBytes + (options.MaxItems + 1) * maxFileBytes + 1024 * 1024;

            var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024 };
            int maxSections = options.MaxItems + 40, sections = 0;
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (++sections > maxSections)
                    throw InputRejectedException.BadRequest($"The request has more than {maxSections} parts; a batch holds at most {options.MaxItems} recordings (Batches:MaxItems). Send more as a zip.");
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                    continue;
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (!disposition.IsFileDisposition())
                {
                    upload.Fields[name] = await UploadReader.ReadFieldAsync(section.Body, name, ct);
                    continue;
                }
                var original = Path.GetFileName(HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "");
                if (name.Equals(ArchiveField, StringComparison.OrdinalIgnoreCase))
                {
                    if (upload.Archive != null) throw InputRejectedException.BadRequest("Send one zip in 'archive'.");
                    upload.Archive = await SaveArchiveAsync(section.Body, original, folder, options.MaxArchiveBytes, ct);
                }
                else if (name.Equals(ImageField, StringComparison.OrdinalIgnoreCase))
                {
                    if (upload.Images.Count > 0)
                        throw InputRejectedException.BadRequest("Send one portrait in 'image'. For several portraits, send a zip in 'archive' with a pairs.csv (columns image,audio[,name]).");
                    upload.Images.Add(await UploadReader.SaveFileAsync(section.Body, ImageField, original, folder, maxFileBytes, ct));
                }
                else if (name.Equals(AudioField, StringComparison.OrdinalIgnoreCase))
                {
                    if (upload.Audios.Count >= options.MaxItems)
                        throw InputRejectedException.BadRequest($"A batch holds at most {options.MaxItems} recordings (Batches:MaxItems).");
                    upload.Audios.Add(await UploadReader.SaveFileAsync(section.Body, AudioField, original, folder, maxFileBytes, ct));
                }
                else throw InputRejectedException.BadRequest($"The file field '{name}' is not used; send 'image', 'audio' (several) or 'archive'.");
            }
        });

    private static async Task<UploadedFile> SaveArchiveAsync(Stream body, string originalName, string folder, long maxBytes, CancellationToken ct)
    {
        try { return await UploadReader.SaveFileAsync(body, ArchiveField, originalName, folder, maxBytes, ct); }
        catch (InputRejectedException e) when (e.Problem == InputProblem.TooLarge)
        {
            throw new InputRejectedException(EngineErrorCodes.FileTooLarge,
                $"The zip '{originalName}' is larger than the limit of {ByteSizes.Megabytes(maxBytes)} (Batches:MaxArchiveBytes).");
        }
    }
}
