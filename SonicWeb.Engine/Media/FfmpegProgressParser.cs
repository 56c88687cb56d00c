using System.Globalization;

namespace SonicWeb.Engine.Media;

/// <summary>One block of ffmpeg's <c>-progress</c> output (ends with a "progress=" line).</summary>
/// <param name="Frame">Frames written so far (frame=).</param>
/// <param name="OutTime">Output timestamp (out_time_us=); null when ffmpeg prints N/A.</param>
/// <param name="Speed">Encoding speed relative to real time (speed=1.5x), null when N/A.</param>
/// <param name="IsEnd">True for the final block (progress=end).</param>
public sealed record FfmpegProgress(long? Frame, TimeSpan? OutTime, double? Fps, double? Speed, long? TotalSizeBytes, bool IsEnd);

/// <summary>
/// Incremental parser for <c>ffmpeg -progress pipe:2</c>: key=value lines, one block per report, each block
/// closed by <c>progress=continue</c> or <c>progress=end</c>. Feed it lines; it hands back a record per block.
/// Pure and not thread-safe (one instance per process).
/// </summary>
public sealed class FfmpegProgressParser
{
    /// <summary>Keys ffmpeg prints in a progress block; lines with these keys are progress, not log.</summary>
    private static readonly HashSet<string> KnownKeys = new(StringComparer.Ordinal)
    {
        "frame", "fps", "bitrate", "total_size", "out_time_us", "out_time_ms", "out_time",
        "dup_frames", "drop_frames", "speed", "progress",
    };

    private long? _frame;
    private TimeSpan? _outTime;
    private double? _fps;
    private double? _speed;
    private long? _totalSize;

    /// <summary>True when the line belongs to a progress block (so it is not an error message).</summary>
    public static bool IsProgressLine(string line)
    {
        var eq = line.IndexOf('=');
        if (eq <= 0) return false;
        var key = line.AsSpan(0, eq).Trim().ToString();
        return KnownKeys.Contains(key) || key.StartsWith("stream_", StringComparison.Ordinal);
    }

    /// <summary>Consumes one line; returns the finished block when the line was "progress=...".</summary>
    public FfmpegProgress? AddLine(string line)
    {
        var eq = line.IndexOf('=');
        if (eq <= 0) return null;
        var key = line[..eq].Trim();
        var value = line[(eq + 1)..].Trim();
        switch (key)
        {
            case "frame": _frame = ParseLong(value); break;
            case "fps": _fps = ParseDouble(value); break;
            case "total_size": _totalSize = ParseLong(value); break;
            case "out_time_us":
                // ffmpeg 5.1 prints N/A before the first packet and can print negative times with
                // negative start offsets; neither is a usable position.
                _outTime = ParseLong(value) is { } us and >= 0 ? TimeSpan.FromTicks(us * 10) : null;
                break;
            case "speed":
                _speed = value.EndsWith('x') ? ParseDouble(value[..^1]) : ParseDouble(value);
                break;
            case "progress":
                var block = new FfmpegProgress(_frame, _outTime, _fps, _speed, _totalSize, value == "end");
                _frame = null; _outTime = null; _fps = null; _speed = null; _totalSize = null;
                return block;
        }
        return null;
    }

    /// <summary>All blocks in a captured text.</summary>
    public static IReadOnlyList<FfmpegProgress> ParseAll(string text)
    {
        var parser = new FfmpegProgressParser();
        var blocks = new List<FfmpegProgress>();
        foreach (var line in text.Split('\n'))
            if (parser.AddLine(line.TrimEnd('\r')) is { } block)
                blocks.Add(block);
        return blocks;
    }

    private static long? ParseLong(string v) =>
        long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : null;

    private static double? ParseDouble(string v) =>
        double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : null;
}
