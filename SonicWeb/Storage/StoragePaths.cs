using Microsoft.Extensions.Options;

namespace SonicWeb.Storage;

/// <summary>
/// The layout of the data directory. Job folders are named by job id (random, validated by
/// <see cref="IsValidJobId"/> before it is ever used in a path).
/// </summary>
public sealed class StoragePaths
{
    public StoragePaths(IOptions<StorageOptions> options)
    {
        Root = Path.GetFullPath(options.Value.Root);
    }

    public string Root { get; }
    public string DatabaseFile => Path.Combine(Root, "sonicweb.db");
    public string UploadsRoot => Path.Combine(Root, "uploads");
    public string OutputsRoot => Path.Combine(Root, "outputs");
    public string LogsRoot => Path.Combine(Root, "logs");

    /// <summary>Uploads being received and checked; nothing here belongs to a job yet.</summary>
    public string StagingRoot => Path.Combine(Root, "staging");

    public string Uploads(string jobId) => Path.Combine(UploadsRoot, CheckedId(jobId));
    public string Outputs(string jobId) => Path.Combine(OutputsRoot, CheckedId(jobId));
    public string Video(string jobId) => Path.Combine(Outputs(jobId), "video.mp4");
    public string Preview(string jobId) => Path.Combine(Outputs(jobId), "preview.jpg");
    public string Thumbnail(string jobId) => Path.Combine(Outputs(jobId), "thumbnail.jpg");

    /// <summary>Stored paths are relative to <see cref="Root"/> so the data directory can move.</summary>
    public string Relative(string fullPath) => Path.GetRelativePath(Root, fullPath);
    public string Absolute(string relativePath) => Path.GetFullPath(Path.Combine(Root, relativePath));

    public void EnsureCreated()
    {
        foreach (var dir in new[] { Root, UploadsRoot, OutputsRoot, LogsRoot, StagingRoot })
            Directory.CreateDirectory(dir);
    }

    /// <summary>A new staging folder for one upload request.</summary>
    public string NewStagingFolder()
    {
        var dir = Path.Combine(StagingRoot, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static bool IsValidJobId(string? id) =>
        id is { Length: 24 } && id.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    private static string CheckedId(string jobId) =>
        IsValidJobId(jobId) ? jobId : throw new ArgumentException($"'{jobId}' is not a job id.", nameof(jobId));

    public static void DeleteQuietly(string dir)
    {
        try { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
        catch (IOException) { /* a reader still has a file open; the start-up sweep retries */ }
        catch (UnauthorizedAccessException) { }
    }
}
