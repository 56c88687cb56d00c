using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using SonicWeb.Engine.Errors;
using SonicWeb.Errors;
using SonicWeb.Storage;

namespace SonicWeb.Api;

/// <summary>
/// Reads multipart/form-data straight from the request body into files, stopping at the size limit (413)
/// without buffering a whole upload in memory. The framework's form reader is not used: it buffers and
/// applies one limit to the whole body. Files are not hashed here: SHA-256 was a quarter of the app's CPU
/// while 20 uploads arrived together (perf), and only a job that is checked in the request needs the hash
/// at once (to reuse an identical output); a job checked in the background is hashed by its check.
/// </summary>
public static class UploadReader
{
    public const int MaxFieldChars = 64 * 1024;
    public const int MaxSections = 32;
    private const int ReadBufferBytes = 64 * 1024;
    /// <summary>Bytes gathered before one file write: few large writes, not one per network read.</summary>
    private const int WriteChunkBytes = 256 * 1024;

    public static Task<UploadForm> ReadAsync(HttpRequest request, string folder, long maxFileBytes, CancellationToken ct) =>
        ReadStagedAsync(new UploadForm(folder), async form =>
        {
            var boundary = Boundary(request, "the files as multipart/form-data (fields 'image' and 'audio')");

            // Our own per-file limit applies; the server-wide body limit (about 28 MB) would cut two large files short.
            if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
                bodyLimit.MaxRequestBodySize = maxFileBytes * 2 + 1024 * 1024;

            // A 64 KB read buffer: with the default 4 KB every section read returns at most 4 KB, so a 10 MB
            // file took ~2,500 hash appends and file writes (measured: multipart parsing of 20 MB 30-40 ms
            // with 4 KB, 7 ms with 64 KB; 20 uploads at once multiply that).
            var reader = new MultipartReader(boundary, request.Body, ReadBufferBytes) { HeadersLengthLimit = 16 * 1024 };
            int sections = 0;
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (++sections > MaxSections) throw InputRejectedException.BadRequest($"The request has more than {MaxSections} parts.");
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                    continue;
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (disposition.IsFileDisposition())
                {
                    var original = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "";
                    if (form.Files.ContainsKey(name)) throw InputRejectedException.BadRequest($"The field '{name}' has more than one file.");
                    form.Files[name] = await SaveFileAsync(section.Body, name, Path.GetFileName(original), form.Folder, maxFileBytes, ct);
                }
                else
                {
                    form.Fields[name] = await ReadFieldAsync(section.Body, name, ct);
                }
            }
        });

    /// <summary>The request's multipart boundary, or a refusal saying how to send <paramref name="what"/>.</summary>
    internal static string Boundary(HttpRequest request, string what)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            throw new InputRejectedException(EngineErrorCodes.InvalidParameter,
                $"Send {what}; the request's content type is '{request.ContentType ?? "none"}'.", problem: InputProblem.UnsupportedType);
        var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
        return string.IsNullOrEmpty(boundary) ? throw InputRejectedException.BadRequest("The multipart request has no boundary.") : boundary;
    }

    /// <summary>
    /// Runs <paramref name="read"/> into <paramref name="staged"/>; if it fails, the staged files are deleted and a
    /// broken transfer is refused as such (413 stays 413; the server's other refusals keep their own status).
    /// </summary>
    internal static async Task<T> ReadStagedAsync<T>(T staged, Func<T, Task> read) where T : IAsyncDisposable
    {
        try
        {
            await read(staged);
            return staged;
        }
        catch (IOException e) when (e is not FileNotFoundException && Reliability.ResourceFaults.Classify(e) is null) // a full disk is the server's fault: 503
        {
            await staged.DisposeAsync();
            throw InputRejectedException.BadRequest("The upload was interrupted or is not valid multipart data: " + e.Message);
        }
        catch (InvalidDataException) // the multipart reader's refusal of a malformed part header (found by the fuzz test)
        {
            await staged.DisposeAsync();
            throw InputRejectedException.BadRequest("The upload is not valid multipart data: a part's header is malformed or too long.");
        }
        catch (BadHttpRequestException e)
        {
            await staged.DisposeAsync();
            if (e.StatusCode == StatusCodes.Status413PayloadTooLarge) throw new InputRejectedException(EngineErrorCodes.FileTooLarge, e.Message);
            throw; // BadRequestExceptionHandler answers it
        }
        catch
        {
            await staged.DisposeAsync();
            throw;
        }
    }

    internal static async Task<UploadedFile> SaveFileAsync(Stream body, string field, string originalName, string folder, long maxBytes, CancellationToken ct)
    {
        var safeField = new string(field.Where(char.IsAsciiLetterOrDigit).Take(32).ToArray());
        var path = Path.Combine(folder, (safeField.Length > 0 ? safeField : "file") + "-" + Guid.NewGuid().ToString("N")[..8] + ".upload");
        long total = 0;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(WriteChunkBytes);
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, useAsync: true);
            int filled = 0;
            while (true)
            {
                int n = await body.ReadAsync(buffer.AsMemory(filled, WriteChunkBytes - filled), ct);
                if (n > 0)
                {
                    total += n;
                    if (total > maxBytes)
                        throw new InputRejectedException(EngineErrorCodes.FileTooLarge,
                            $"The file in '{field}' is larger than the upload limit of {ByteSizes.Megabytes(maxBytes)} (Storage:MaxUploadBytes).");
                    filled += n;
                    if (filled < WriteChunkBytes) continue;
                }
                if (filled > 0)
                {
                    await file.WriteAsync(buffer.AsMemory(0, filled), ct);
                    filled = 0;
                }
                if (n == 0) break;
            }
        }
        finally { System.Buffers.ArrayPool<byte>.Shared.Return(buffer); }
        return new UploadedFile(field, originalName, path, total);
    }

    internal static async Task<string> ReadFieldAsync(Stream body, string name, CancellationToken ct)
    {
        using var reader = new StreamReader(body, Encoding.UTF8);
        var chars = new char[MaxFieldChars + 1];
        int read = await reader.ReadBlockAsync(chars.AsMemory(), ct);
        if (read > MaxFieldChars) throw InputRejectedException.BadRequest($"The field '{name}' is longer than {MaxFieldChars} characters.");
        return new string(chars, 0, read);
    }
}
