namespace SonicWeb.LoadBench.Soak;

/// <summary>What the kernel says about the app's process: resident memory, threads and open file descriptors (Linux /proc).</summary>
public static class ProcessProbe
{
    public readonly record struct Reading(double RssMb, int Threads, int OpenFiles);

    public static Reading Read(int pid)
    {
        double rssKb = 0;
        int threads = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rssKb = double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
            else if (line.StartsWith("Threads:", StringComparison.Ordinal)) threads = int.Parse(line.Split(' ', '\t').Last(s => s.Length > 0));
        }
        // Sockets, files, pipes and the runtime's own handles: a leak of any of them shows here.
        int files = Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count();
        return new Reading(rssKb / 1024, threads, files);
    }
}
