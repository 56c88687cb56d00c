using System.IO.Compression;
using System.Security.Cryptography;
using SonicWeb.Engine.Errors;
using SonicWeb.Errors;
using SonicWeb.Storage;

namespace SonicWeb.Batches;

/// <summary>One file taken out of a batch's zip: its path inside the zip (cleaned) and where it is on disk.</summary>
public sealed record ArchiveFile(string EntryPath, UploadedFile File);

/// <summary>
/// Takes the files out of an uploaded zip with the limits a hostile archive would test: number of
/// entries, bytes per file (Storage:MaxUploadBytes) and in total (Batches:MaxUncompressedBytes), both
/// counted while inflating since the sizes in the zip's headers can lie. Entry names are only used to
/// look files up and to show them: files are written under generated names, so a name like
/// "../../etc/x" can never choose where anything lands (such names are refused anyway).
/// </summary>
public static class BatchArchive
{
    public static async Task<IReadOnlyList<ArchiveFile>> ExtractAsync(UploadedFile archive, string folder, long maxFileBytes, BatchOptions options, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        ZipArchive zip;
        ZipArchive? opened = null;
        var stream = new FileStream(archive.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        try
        {
            opened = await ZipArchive.CreateAsync(stream, ZipArchiveMode.Read, leaveOpen: false, entryNameEncoding: null, ct);
            _ = opened.Entries.Count; // the central directory is read on first use: a damaged one throws here (found by the fuzz test)
            zip = opened;
        }
        catch (InvalidDataException e)
        {
            if (opened is not null) await opened.DisposeAsync();
            await stream.DisposeAsync();
            throw InputRejectedException.BadRequest($"'{archive.OriginalName}' is not a zip archive that can be read ({e.Message}).");
        }

        await using (zip)
        {
            if (zip.Entries.Count > options.MaxArchiveEntries)
                throw InputRejectedException.BadRequest($"The zip has {zip.Entries.Count} entries; the limit is {options.MaxArchiveEntries} (Batches:MaxArchiveEntries).");
            var errors = new Dictionary<string, string[]>();
            var files = new List<ArchiveFile>();
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            long total = 0;
            int index = 0;
            foreach (var entry in zip.Entries)
            {
                if (entry.FullName.EndsWith('/') || entry.FullName.EndsWith('\\')) continue; // a folder
                var path = CleanPath(entry.FullName);
                if (path is null) { errors[entry.FullName] = [$"The zip entry '{entry.FullName}' has an unsafe or invalid name (absolute, '..' or control characters)."]; continue; }
                if (IsSystemJunk(path)) continue;
                if (!seen.Add(path)) { errors[path] = [$"The zip holds '{path}' more than once."]; continue; }
                if (entry.Length > maxFileBytes)
                {
                    errors[path] = [$"'{path}' is {ByteSizes.Megabytes(entry.Length)} unpacked; the limit per file is {ByteSizes.Megabytes(maxFileBytes)} (Storage:MaxUploadBytes)."];
                    continue;
                }
                var target = Path.Combine(folder, $"entry-{index++}.upload");
                var (length, sha) = await CopyLimitedAsync(entry, target, path, maxFileBytes, options.MaxUncompressedBytes - total, options.MaxUncompressedBytes, ct);
                total += length;
                files.Add(new ArchiveFile(path, new UploadedFile("archive", Path.GetFileName(path), target, length, sha)));
            }
            if (errors.Count > 0)
                throw new InputRejectedException(EngineErrorCodes.InvalidParameter, string.Join(" ", errors.Values.SelectMany(v => v)), errors);
            return files;
        }
    }

    /// <summary>Inflates one entry, stopping as soon as it passes the per-file or the remaining total budget.</summary>
    private static async Task<(long Length, string Sha256)> CopyLimitedAsync(ZipArchiveEntry entry, string target, string name, long maxFileBytes, long remaining, long maxTotal, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long length = 0;
        await using var source = await OpenAsync(entry, name, ct);
        await using var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, useAsync: true);
        int n;
        while ((n = await ReadAsync(source, buffer, name, ct)) > 0)
        {
            length += n;
            if (length > maxFileBytes)
                throw new InputRejectedException(EngineErrorCodes.FileTooLarge,
                    $"'{name}' unpacks to more than {ByteSizes.Megabytes(maxFileBytes)}, the limit per file (Storage:MaxUploadBytes).");
            if (length > remaining)
                throw new InputRejectedException(EngineErrorCodes.FileTooLarge,
                    $"The zip unpacks to more than {ByteSizes.Megabytes(maxTotal)} (reached at '{name}'); the limit is Batches:MaxUncompressedBytes.");
            hash.AppendData(buffer, 0, n);
            await file.WriteAsync(buffer.AsMemory(0, n), ct);
        }
        return (length, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private static async Task<Stream> OpenAsync(ZipArchiveEntry entry, string name, CancellationToken ct)
    {
        try { return await entry.OpenAsync(ct); }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException)
        {
            throw InputRejectedException.BadRequest($"'{name}' in the zip cannot be unpacked ({e.Message}); encrypted or unusual compression is not supported.");
        }
    }

    private static async Task<int> ReadAsync(Stream source, byte[] buffer, string name, CancellationToken ct)
    {
        try { return await source.ReadAsync(buffer, ct); }
        catch (InvalidDataException e) { throw InputRejectedException.BadRequest($"'{name}' in the zip is damaged ({e.Message})."); }
    }

    /// <summary>The entry's path with forward slashes and no "./", or null when it is absolute, climbs out ("..") or has control characters.</summary>
    public static string? CleanPath(string entryName)
    {
        var name = entryName.Replace('\\', '/');
        if (name.Length == 0 || name.StartsWith('/') || name.Any(char.IsControl) || (name.Length > 1 && name[1] == ':')) return null;
        var parts = new List<string>();
        foreach (var part in name.Split('/'))
        {
            if (part is "" or ".") continue;
            if (part == "..") return null;
            parts.Add(part);
        }
        return parts.Count == 0 ? null : string.Join('/', parts);
    }

    /// <summary>Files archivers add that nobody meant to send (macOS resource forks, Finder and Explorer metadata).</summary>
    private static bool IsSystemJunk(string path) =>
        path.StartsWith("__MACOSX/", StringComparison.Ordinal) || Path.GetFileName(path).StartsWith('.')
        || Path.GetFileName(path).Equals("Thumbs.db", StringComparison.OrdinalIgnoreCase) || Path.GetFileName(path).Equals("desktop.ini", StringComparison.OrdinalIgnoreCase);
}
