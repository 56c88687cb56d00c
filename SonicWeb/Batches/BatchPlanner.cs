using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Media;
using SonicWeb.Errors;
using SonicWeb.Storage;

namespace SonicWeb.Batches;

/// <summary>One job to be: a photo, a recording, the video's name, and how to name the pair in an error.</summary>
public sealed record BatchItem(UploadedFile Image, UploadedFile Audio, string Name, string Label);

/// <summary>
/// Turns a batch upload into photo/recording pairs. Three shapes are accepted:
///   1. one 'image' and several 'audio' files;
///   2. a zip ('archive') with one photo and recordings (the photo may also come as 'image');
///   3. a zip with a pairs.csv (image,audio[,name]) naming files inside the zip.
/// Which file is a photo or a recording is decided by content, not by name. Only the shape is
/// checked here; each pair then goes through the single job's checks (JobSubmission).
/// </summary>
public static class BatchPlanner
{
    public static async Task<IReadOnlyList<BatchItem>> PlanAsync(SubmitBatch upload, BatchOptions options, long maxFileBytes, CancellationToken ct)
    {
        List<BatchItem> items;
        if (upload.Archive is { } archive)
        {
            var files = await BatchArchive.ExtractAsync(archive, Path.Combine(upload.Folder, "archive"), maxFileBytes, options, ct);
            var csv = files.Where(f => Path.GetFileName(f.EntryPath).Equals(PairsCsv.FileName, StringComparison.OrdinalIgnoreCase)).ToList();
            if (csv.Count > 1) throw InputRejectedException.BadRequest($"The zip has {csv.Count} files named {PairsCsv.FileName}; keep one.");
            items = csv.Count == 1
                ? await FromCsvAsync(csv[0], files, ct)
                : await FromLooseFilesAsync(files, upload, ct);
        }
        else
        {
            if (upload.Images.Count == 0 || upload.Audios.Count == 0)
                throw new InputRejectedException(EngineErrorCodes.InvalidParameter,
                    "Attach one portrait in 'image' and one or more recordings in 'audio', or a zip in 'archive' (a photo and recordings, or a pairs.csv).");
            items = upload.Audios.Select(a => new BatchItem(upload.Images[0], a, Stem(a.OriginalName), a.OriginalName)).ToList();
        }

        if (items.Count == 0) throw InputRejectedException.BadRequest("The batch has no photo/recording pairs.");
        if (items.Count > options.MaxItems)
            throw InputRejectedException.BadRequest($"The batch has {items.Count} pairs; the limit is {options.MaxItems} (Batches:MaxItems).");
        return items;
    }

    private static async Task<List<BatchItem>> FromCsvAsync(ArchiveFile csv, IReadOnlyList<ArchiveFile> files, CancellationToken ct)
    {
        var (rows, errors) = PairsCsv.Parse(await File.ReadAllTextAsync(csv.File.Path, ct));
        var byPath = files.ToDictionary(f => f.EntryPath, StringComparer.OrdinalIgnoreCase);
        var folder = Path.GetDirectoryName(csv.EntryPath)?.Replace('\\', '/') ?? "";
        ArchiveFile? Find(string reference)
        {
            var clean = BatchArchive.CleanPath(reference);
            if (clean is null) return null;
            return (folder.Length > 0 && byPath.TryGetValue(folder + "/" + clean, out var near) ? near : null) ?? byPath.GetValueOrDefault(clean);
        }

        var items = new List<BatchItem>();
        foreach (var row in rows)
        {
            var image = Find(row.Image);
            var audio = Find(row.Audio);
            var missing = new[] { (row.Image, image), (row.Audio, audio) }.Where(x => x.Item2 is null).Select(x => $"'{x.Item1}'").ToList();
            if (missing.Count > 0)
            {
                errors[$"{PairsCsv.FileName} line {row.Line}"] = [$"{PairsCsv.FileName} line {row.Line}: {string.Join(" and ", missing)} {(missing.Count == 1 ? "is" : "are")} not in the zip."];
                continue;
            }
            items.Add(new BatchItem(image!.File, audio!.File, row.Name ?? Stem(audio.EntryPath), $"{PairsCsv.FileName} line {row.Line} ({row.Image} + {row.Audio})"));
        }
        if (errors.Count > 0)
            throw new InputRejectedException(EngineErrorCodes.InvalidParameter, string.Join(" ", errors.Values.SelectMany(v => v)), errors);
        return items;
    }

    private static async Task<List<BatchItem>> FromLooseFilesAsync(IReadOnlyList<ArchiveFile> files, SubmitBatch upload, CancellationToken ct)
    {
        var images = new List<UploadedFile>(upload.Images);
        var audios = new List<(UploadedFile File, string Label)>(upload.Audios.Select(a => (a, a.OriginalName)));
        var errors = new Dictionary<string, string[]>();
        foreach (var f in files.OrderBy(f => f.EntryPath, StringComparer.OrdinalIgnoreCase))
        {
            var head = await MediaSniffer.ReadHeadAsync(f.File.Path, ct);
            if (MediaSniffer.Image(head) != ImageFormat.Unknown) images.Add(f.File);
            else if (MediaSniffer.Audio(head) is not null) audios.Add((f.File, f.EntryPath));
            else errors[f.EntryPath] = [$"'{f.EntryPath}' in the zip is neither a photo (PNG, JPEG, WebP) nor a recording (WAV, MP3, M4A, OGG, FLAC); checked by content."];
        }
        if (images.Count != 1)
            errors["image"] = [images.Count == 0
                ? "The batch has no portrait: put one photo in the zip or send it in 'image'."
                : $"The batch has {images.Count} photos ({string.Join(", ", images.Select(i => i.OriginalName))}); use one, or add a {PairsCsv.FileName} (image,audio[,name]) that pairs them."];
        if (audios.Count == 0) errors["audio"] = ["The batch has no recordings."];
        if (errors.Count > 0)
            throw new InputRejectedException(EngineErrorCodes.InvalidParameter, string.Join(" ", errors.Values.SelectMany(v => v)), errors);
        return audios.Select(a => new BatchItem(images[0], a.File, Stem(a.Label), a.Label)).ToList();
    }

    private static string Stem(string name) => Path.GetFileNameWithoutExtension(name.Replace('\\', '/').Split('/').Last());
}
