using System.Runtime.InteropServices;

namespace SonicWeb.Bench;

/// <summary>What the figures were measured on.</summary>
public sealed record MachineInfo(int Cores, string Cpu, double MemoryGb, string Os, string Dotnet, string Ffmpeg, string? Ort)
{
    public static MachineInfo Read() => new(
        Environment.ProcessorCount,
        ProcField("/proc/cpuinfo", "model name") ?? "unknown CPU",
        Math.Round(double.Parse((ProcField("/proc/meminfo", "MemTotal") ?? "0 kB").Split(' ')[0]) / 1024 / 1024, 1),
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        FfmpegVersion(),
        null);

    private static string FfmpegVersion()
    {
        // "ffmpeg version 5.1.9-0+deb12u1 Copyright ..." -> "5.1.9-0+deb12u1"
        var first = Tool.Run("ffmpeg", "-hide_banner", "-version").Split('\n')[0].Split(' ');
        return first.Length > 2 ? first[2] : string.Join(' ', first);
    }

    private static string? ProcField(string path, string name)
    {
        foreach (var line in File.ReadLines(path))
        {
            int colon = line.IndexOf(':');
            if (colon > 0 && line[..colon].Trim() == name) return line[(colon + 1)..].Trim();
        }
        return null;
    }
}
