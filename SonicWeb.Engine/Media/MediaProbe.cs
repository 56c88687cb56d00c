using SonicWeb.Engine.Errors;

namespace SonicWeb.Engine.Media;

/// <summary>Runs ffprobe on a local file and parses its JSON report.</summary>
public static class MediaProbe
{
    /// <summary>ffprobe's JSON for ordinary files is a few KB; anything beyond this is not a file we want.</summary>
    private const int MaxReportBytes = 4 * 1024 * 1024;

    /// <summary>Demuxers accepted for audio input (format_whitelist). Playlist-style formats (hls, concat,
    /// ffconcat) are excluded on purpose: they would make ffmpeg open other files named inside the upload.</summary>
    public const string AudioDemuxers = "wav,w64,mp3,mov,mp4,m4a,3gp,3g2,mj2,ogg,flac,aac,matroska,webm,aiff,caf";

    public static Task<MediaInfo> ProbeAsync(string path, CancellationToken ct) =>
        ProbeAsync(path, new MediaProbeOptions(), ct);

    public static async Task<MediaInfo> ProbeAsync(string path, MediaProbeOptions options, CancellationToken ct)
    {
        var ffmpeg = options.Ffmpeg ?? FfmpegOptions.Default;
        var args = new FfmpegArguments()
            .Flag("-hide_banner").Option("-v", "error")
            .Option("-protocol_whitelist", "file");
        if (options.Demuxer != null) args.Option("-f", options.Demuxer);
        if (options.FormatWhitelist != null) args.Option("-format_whitelist", options.FormatWhitelist);
        if (options.CountFrames) args.Flag("-count_frames");
        args.Flag("-show_format").Flag("-show_streams").Option("-of", "json").OutputFile(path);

        var report = new MemoryStream();
        await using var process = FfmpegProcess.Start(ffmpeg.FfprobePath, args, new FfmpegRunOptions
        {
            ReadStdout = (stdout, token) => CopyBoundedAsync(stdout, report, MaxReportBytes, token),
            TimeLimit = ffmpeg.ReadLimit,
        }, ffmpeg.Processes);
        var exit = await process.WaitForExitAsync(ct).ConfigureAwait(false);
        if (exit != 0)
            throw process.Failure(options.FailureCode, $"'{Path.GetFileName(path)}' could not be read as media");
        try
        {
            return FfprobeJsonParser.Parse(System.Text.Encoding.UTF8.GetString(report.GetBuffer(), 0, (int)report.Length));
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new SonicEngineException(options.FailureCode, $"ffprobe gave an unreadable report for '{Path.GetFileName(path)}'.", e);
        }
    }

    private static async Task CopyBoundedAsync(Stream from, Stream to, int maxBytes, CancellationToken ct)
    {
        var buffer = new byte[16384];
        int read;
        while ((read = await from.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            if (to.Length + read <= maxBytes) to.Write(buffer, 0, read);
    }
}

/// <summary>How to probe: which tools, which demuxers may be used, and the error code on failure.</summary>
public sealed record MediaProbeOptions
{
    public FfmpegOptions? Ffmpeg { get; init; }

    /// <summary>Force a demuxer (for example "png_pipe") instead of letting ffprobe guess.</summary>
    public string? Demuxer { get; init; }

    /// <summary>Comma-separated demuxers ffprobe may pick (see <see cref="MediaProbe.AudioDemuxers"/>).</summary>
    public string? FormatWhitelist { get; init; }

    /// <summary>Decode every frame to count them exactly (slow; for verification).</summary>
    public bool CountFrames { get; init; }

    public string FailureCode { get; init; } = EngineErrorCodes.InvalidParameter;
}
