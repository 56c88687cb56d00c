using System.Globalization;

namespace SonicWeb.Engine.Media;

/// <summary>
/// A typed builder for an ffmpeg/ffprobe command line. Every value becomes its own argv entry
/// (ProcessStartInfo.ArgumentList), so no quoting is ever needed and user-supplied paths can never be
/// read as options: file paths are made absolute and given the "file:" protocol prefix, which also keeps
/// ffmpeg from treating a name like "http:x" or "pipe:1" as something other than a local file.
/// </summary>
public sealed class FfmpegArguments
{
    private readonly List<string> _items = new();

    public IReadOnlyList<string> Items => _items;

    /// <summary>A bare flag such as "-y" or "-nostats".</summary>
    public FfmpegArguments Flag(string flag)
    {
        RequireOptionName(flag);
        _items.Add(flag);
        return this;
    }

    /// <summary>An option with a value, such as ("-c:v", "libx264").</summary>
    public FfmpegArguments Option(string name, string value)
    {
        RequireOptionName(name);
        _items.Add(name);
        _items.Add(value);
        return this;
    }

    public FfmpegArguments Option(string name, long value) => Option(name, value.ToString(CultureInfo.InvariantCulture));

    public FfmpegArguments Option(string name, double value) => Option(name, value.ToString("0.######", CultureInfo.InvariantCulture));

    /// <summary>"-i file:/abs/path" for a local file.</summary>
    public FfmpegArguments InputFile(string path) => Option("-i", FileUrl(path));

    /// <summary>"-i pipe:0": input read from the process's stdin.</summary>
    public FfmpegArguments InputStdin() => Option("-i", "pipe:0");

    /// <summary>A local output file (last argument by convention).</summary>
    public FfmpegArguments OutputFile(string path)
    {
        _items.Add(FileUrl(path));
        return this;
    }

    /// <summary>Output to the process's stdout.</summary>
    public FfmpegArguments OutputStdout()
    {
        _items.Add("pipe:1");
        return this;
    }

    public static string FileUrl(string path) => "file:" + Path.GetFullPath(path);

    public override string ToString() => string.Join(' ', _items.Select(a => a.Contains(' ') ? '"' + a + '"' : a));

    private static void RequireOptionName(string name)
    {
        if (string.IsNullOrEmpty(name) || name[0] != '-')
            throw new ArgumentException($"ffmpeg option names start with '-': '{name}'", nameof(name));
    }
}
