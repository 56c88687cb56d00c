namespace SonicWeb.Storage;

/// <summary>
/// Where all state lives (configuration section "Storage", e.g. Storage__Root in the environment):
/// the SQLite database, uploads/&lt;jobId&gt;/, outputs/&lt;jobId&gt;/ and logs/ under one folder.
/// </summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Data directory; relative paths are resolved against the working directory.</summary>
    public string Root { get; set; } = "./data";

    /// <summary>Largest accepted upload per file, enforced while the request streams in.</summary>
    public long MaxUploadBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>
    /// SQLite's synchronous level for every connection (Off, Normal, Full, Extra). Normal (with WAL): commits
    /// survive an app crash or restart, not a power cut; Full also fsyncs each commit.
    /// </summary>
    public Data.SqliteSynchronous SqliteSynchronous { get; set; } = Data.SqliteSynchronous.Normal;

    /// <summary>
    /// How long a database command waits for a lock held by another process (SQLite busy timeout) before the
    /// request answers 503 "database is locked" (a job's step is retried by the worker).
    /// </summary>
    public int BusyTimeoutSeconds { get; set; } = 30;

    /// <summary>The health check reports "degraded" below this much free disk space.</summary>
    public long MinFreeBytes { get; set; } = 1L * 1024 * 1024 * 1024;

    /// <summary>
    /// Room set aside on the data directory's drive (a file of zeros, disk-reserve.bin) and given back when the disk is
    /// completely full, so the database can still record that a job failed; 0 turns it off.
    /// </summary>
    public long ReserveBytes { get; set; } = 2L * 1024 * 1024;
}
