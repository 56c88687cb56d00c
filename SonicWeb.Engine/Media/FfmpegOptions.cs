namespace SonicWeb.Engine.Media;

/// <summary>Where the ffmpeg tools live. Plain names are looked up on PATH.</summary>
public sealed class FfmpegOptions
{
    /// <summary>A fresh instance with the defaults (PATH lookup).</summary>
    public static FfmpegOptions Default => new();

    public string FfmpegPath { get; set; } = "ffmpeg";
    public string FfprobePath { get; set; } = "ffprobe";

    /// <summary>
    /// Wall-clock limit of one ffprobe or audio decode (the upload checks): a file built to make them spin is
    /// stopped and refused as unreadable after this long.
    /// </summary>
    public double ReadSeconds { get; set; } = 120;

    /// <summary>
    /// Wall-clock limit of one encode (it lives as long as the render it encodes, so it is above the job
    /// watchdog's limit for the longest audio allowed; the watchdog normally stops a stuck job first).
    /// </summary>
    public double EncodeSeconds { get; set; } = 4 * 3600;

    /// <summary>Largest file one ffmpeg run may write (its -fs); a video reaching it fails instead of being cut.</summary>
    public long MaxOutputBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    public TimeSpan ReadLimit => TimeSpan.FromSeconds(ReadSeconds);
    public TimeSpan EncodeLimit => TimeSpan.FromSeconds(EncodeSeconds);

    /// <summary>
    /// Who owns the processes started with these options: the host sets its own table (a singleton it
    /// disposes at shutdown). Not a setting: configuration never binds it.
    /// </summary>
    public FfmpegProcessTable Processes { get; set; } = FfmpegProcessTable.Unowned;
}
