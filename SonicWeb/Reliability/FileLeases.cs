using System.Collections.Concurrent;

namespace SonicWeb.Reliability;

/// <summary>
/// Which jobs' files are being read right now (a video download, a batch zip). The retention sweep never
/// removes the files of a job with a lease: it marks the job expired (so no new download starts) and removes
/// the files on a later sweep, once the last reader is done. Leases are per process, like the downloads.
/// </summary>
public sealed class FileLeases
{
    private readonly ConcurrentDictionary<string, int> _readers = new(StringComparer.Ordinal);

    /// <summary>Take before reading the job row, release (dispose) when the response is complete.</summary>
    public IDisposable Acquire(string jobId)
    {
        _readers.AddOrUpdate(jobId, 1, (_, n) => n + 1);
        return new Lease(this, jobId);
    }

    public bool InUse(string jobId) => _readers.TryGetValue(jobId, out int n) && n > 0;

    private void Release(string jobId)
    {
        if (_readers.AddOrUpdate(jobId, 0, (_, n) => n - 1) <= 0) _readers.TryRemove(new KeyValuePair<string, int>(jobId, 0));
    }

    private sealed class Lease(FileLeases owner, string jobId) : IDisposable
    {
        private int _released;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) owner.Release(jobId);
        }
    }
}
