namespace SonicWeb.Engine.Media;

/// <summary>What ffprobe reports about a media file (the parts the engine uses).</summary>
public sealed record MediaInfo(
    IReadOnlyList<string> FormatNames,
    double? DurationSeconds,
    long? SizeBytes,
    IReadOnlyList<MediaStreamInfo> Streams)
{
    public MediaStreamInfo? FirstAudio => Streams.FirstOrDefault(s => s.Type == MediaStreamType.Audio);

    public MediaStreamInfo? FirstVideo => Streams.FirstOrDefault(s => s.Type == MediaStreamType.Video);

    /// <summary>"video (h264), audio (aac)": for error messages.</summary>
    public string DescribeStreams() => Streams.Count == 0
        ? "no streams"
        : string.Join(", ", Streams.Select(s => $"{s.Type.ToString().ToLowerInvariant()} ({s.CodecName ?? "unknown codec"})"));
}

public enum MediaStreamType { Unknown, Video, Audio, Subtitle, Data, Attachment }

/// <param name="RotationDegrees">From the display-matrix side data when present (ffprobe's sign: 90 means the
/// picture is displayed rotated; mp4 phone videos), else null.</param>
/// <param name="FrameCount">nb_frames (container-declared) or nb_read_frames (with -count_frames).</param>
/// <param name="AverageFrameRate">avg_frame_rate as a number, null when 0/0.</param>
public sealed record MediaStreamInfo(
    int Index,
    MediaStreamType Type,
    string? CodecName,
    int? Width,
    int? Height,
    string? PixelFormat,
    int? SampleRate,
    int? Channels,
    long? FrameCount,
    double? DurationSeconds,
    double? AverageFrameRate,
    int? RotationDegrees);
