namespace SonicWeb.Engine.Media;

/// <summary>Where the ffmpeg tools live. Plain names are looked up on PATH.</summary>
public sealed class FfmpegOptions
{
    /// <summary>A fresh instance with the defaults (PATH lookup).</summary>
    public static FfmpegOptions Default => new();

    public string FfmpegPath { get; set; } = "ffmpeg";
    public string FfprobePath { get; set; } = "ffprobe";

    /// <summary>
    /// Who owns the processes started with these options: the host sets its own table (a singleton it
    /// disposes at shutdown). Not a setting: configuration never binds it.
    /// </summary>
    public FfmpegProcessTable Processes { get; set; } = FfmpegProcessTable.Unowned;
}
