using SonicWeb.Storage;

namespace SonicWeb.Reliability;

/// <summary>Bytes on disk of one job's folders (uploads/&lt;id&gt; and outputs/&lt;id&gt;), measured, not taken from the row.</summary>
public static class DiskUsage
{
    public static long OfJob(StoragePaths paths, string jobId) => OfFolder(paths.Uploads(jobId)) + OfFolder(paths.Outputs(jobId));

    public static long OfFolder(string folder)
    {
        if (!Directory.Exists(folder)) return 0;
        long total = 0;
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            try { total += new FileInfo(file).Length; }
            catch (IOException) { } // removed while counting
        }
        return total;
    }
}
