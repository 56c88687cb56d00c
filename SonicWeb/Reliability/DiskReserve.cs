using Microsoft.Extensions.Options;
using SonicWeb.Storage;

namespace SonicWeb.Reliability;

/// <summary>
/// A file of Storage:ReserveBytes zeros kept on the data directory's drive, given back when the disk fills up
/// completely. SQLite keeps its database on that drive and needs a few free pages to record anything; without
/// this room a job that failed on a full disk could not be marked Failed until someone freed space, and would
/// look Running meanwhile. The reserve is made again once there is room (at start-up and before each run).
/// </summary>
public sealed class DiskReserve(StoragePaths paths, IOptions<StorageOptions> options, ILogger<DiskReserve> log)
{
    private readonly Lock gate = new();

    public string File => Path.Combine(paths.Root, "disk-reserve.bin");

    /// <summary>Makes the reserve when it is missing and the drive has at least twice its size free.</summary>
    public void Ensure()
    {
        long size = options.Value.ReserveBytes;
        if (size <= 0) return;
        lock (gate)
        {
            var existing = new FileInfo(File);
            if (existing.Exists && existing.Length == size) return;
            if (new DriveInfo(paths.Root).AvailableFreeSpace < 2 * size) return; // not now: the reserve must not be what fills the disk
            var partial = File + ".partial";
            try
            {
                // Real zeros, not SetLength: a sparse file would hold no blocks to give back.
                using (var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None))
                {
                    var block = new byte[64 * 1024];
                    for (long left = size; left > 0; left -= block.Length) stream.Write(block, 0, (int)Math.Min(block.Length, left));
                    stream.Flush(flushToDisk: true);
                }
                System.IO.File.Move(partial, File, overwrite: true);
            }
            catch (IOException e)
            {
                log.LogWarning("Could not set aside the disk reserve at {File}: {Error}", File, e.Message);
                System.IO.File.Delete(partial);
            }
        }
    }

    /// <summary>Gives the reserve's room back; true when there was a reserve to give.</summary>
    public bool Release()
    {
        lock (gate)
        {
            if (!System.IO.File.Exists(File)) return false;
            System.IO.File.Delete(File);
            log.LogWarning("The disk at {Root} is full: released the {Bytes} B reserve so the database can record what happened", paths.Root, options.Value.ReserveBytes);
            return true;
        }
    }
}
