namespace SonicWeb.Engine.Media;

/// <summary>
/// Input limits, checked before any expensive work. The app binds these from the "Media" configuration
/// section; error messages name the setting (for example Engine:Limits:MaxImagePixels).
/// </summary>
public sealed record MediaLimits
{
    /// <summary>Largest accepted image file, in bytes. Default 20 MB.</summary>
    public long MaxImageBytes { get; set; } = 20L * 1024 * 1024;

    /// <summary>Largest accepted image, width x height. Default 40 megapixels (decoded RGB is 120 MB).</summary>
    public long MaxImagePixels { get; set; } = 40_000_000;

    /// <summary>Largest accepted image side, in pixels. Default 12000.</summary>
    public int MaxImageSide { get; set; } = 12000;

    /// <summary>Largest accepted audio file, in bytes. Default 50 MB.</summary>
    public long MaxAudioBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>Longest accepted audio, in seconds. Default 300 (5 minutes).</summary>
    public double MaxAudioSeconds { get; set; } = 300;

    /// <summary>Shortest accepted audio, in seconds. Default 0.2 (5 video frames).</summary>
    public double MinAudioSeconds { get; set; } = 0.2;
}
