using System.Globalization;
using System.Text.Json;

namespace SonicWeb.Engine.Media;

/// <summary>
/// Parses the output of <c>ffprobe -show_format -show_streams -of json</c> into <see cref="MediaInfo"/>.
/// Pure: no process, no I/O. ffprobe writes most numbers as JSON strings ("duration": "1.718"), some as
/// numbers ("width": 64), and leaves fields out when unknown; every field here is read leniently.
/// </summary>
public static class FfprobeJsonParser
{
    public static MediaInfo Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;

        var formatNames = Array.Empty<string>();
        double? duration = null;
        long? size = null;
        if (root.TryGetProperty("format", out var format))
        {
            formatNames = (GetString(format, "format_name") ?? "")
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            duration = GetDouble(format, "duration");
            size = GetLong(format, "size");
        }

        var streams = new List<MediaStreamInfo>();
        if (root.TryGetProperty("streams", out var streamArray) && streamArray.ValueKind == JsonValueKind.Array)
            foreach (var s in streamArray.EnumerateArray())
                streams.Add(ParseStream(s));

        return new MediaInfo(formatNames, duration, size, streams);
    }

    private static MediaStreamInfo ParseStream(JsonElement s) => new(
        Index: (int)(GetLong(s, "index") ?? -1),
        Type: ParseType(GetString(s, "codec_type")),
        CodecName: GetString(s, "codec_name"),
        Width: (int?)GetLong(s, "width"),
        Height: (int?)GetLong(s, "height"),
        PixelFormat: GetString(s, "pix_fmt"),
        SampleRate: (int?)GetLong(s, "sample_rate"),
        Channels: (int?)GetLong(s, "channels"),
        FrameCount: GetLong(s, "nb_read_frames") ?? GetLong(s, "nb_frames"),
        DurationSeconds: GetDouble(s, "duration"),
        AverageFrameRate: ParseRate(GetString(s, "avg_frame_rate")),
        RotationDegrees: ParseRotation(s));

    private static MediaStreamType ParseType(string? type) => type switch
    {
        "video" => MediaStreamType.Video,
        "audio" => MediaStreamType.Audio,
        "subtitle" => MediaStreamType.Subtitle,
        "data" => MediaStreamType.Data,
        "attachment" => MediaStreamType.Attachment,
        _ => MediaStreamType.Unknown,
    };

    /// <summary>Rotation from the "Display Matrix" side data; older files carry a "rotate" tag instead.</summary>
    private static int? ParseRotation(JsonElement s)
    {
        if (s.TryGetProperty("side_data_list", out var list) && list.ValueKind == JsonValueKind.Array)
            foreach (var sd in list.EnumerateArray())
                if (GetDouble(sd, "rotation") is { } r)
                    return (int)Math.Round(r);
        if (s.TryGetProperty("tags", out var tags) && GetDouble(tags, "rotate") is { } tag)
            return (int)Math.Round(tag);
        return null;
    }

    /// <summary>"25/1" -> 25; "0/0" (unknown) -> null.</summary>
    internal static double? ParseRate(string? rate)
    {
        if (string.IsNullOrEmpty(rate)) return null;
        var parts = rate.Split('/');
        if (parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var num)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var den))
            return den == 0 || num == 0 ? null : num / den;
        return double.TryParse(rate, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : null;
    }

    private static string? GetString(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        } : null;

    private static double? GetDouble(JsonElement e, string name) =>
        GetString(e, name) is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            && double.IsFinite(d) ? d : null;

    private static long? GetLong(JsonElement e, string name) =>
        GetString(e, name) is { } text && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : null;
}
