namespace SonicWeb.Batches;

/// <summary>
/// Limits of POST /api/batches (configuration section "Batches"). Every single file, and every file
/// inside an archive, is also held to Storage:MaxUploadBytes like a single job's upload.
/// </summary>
public sealed class BatchOptions
{
    public const string Section = "Batches";

    /// <summary>Most photo/recording pairs (jobs) one batch may have.</summary>
    public int MaxItems { get; set; } = 100;

    /// <summary>Largest accepted zip upload (compressed size).</summary>
    public long MaxArchiveBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Zip-bomb guard: the most bytes all entries of an archive may expand to, counted while extracting (sizes in the zip's headers are not trusted).</summary>
    public long MaxUncompressedBytes { get; set; } = 2048L * 1024 * 1024;

    /// <summary>Most entries (files) an archive may hold, including ones that are ignored.</summary>
    public int MaxArchiveEntries { get; set; } = 1000;
}
