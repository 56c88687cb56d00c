using SonicWeb.Engine.Media;
using SonicWeb.Engine.Onnx;

namespace SonicWeb.Engine.Pipeline;

/// <summary>
/// Installation-wide engine settings (the app binds them from the "Engine" configuration section).
/// Per-job choices live in <see cref="GenerationParameters"/>.
/// </summary>
public sealed class EngineOptions
{
    public MediaLimits Limits { get; set; } = new();
    public FfmpegOptions Ffmpeg { get; set; } = new();
    public OnnxSessionOptions Onnx { get; set; } = new();

    /// <summary>x264 preset: veryfast keeps 1024x1024 above 10 fps on 2 cores; slower presets compress better.</summary>
    public string EncoderPreset { get; set; } = "veryfast";

    /// <summary>x264 constant rate factor (lower = better quality, bigger files).</summary>
    public int EncoderCrf { get; set; } = 20;

    /// <summary>
    /// Smallest face we animate, as the detected face box's width in source pixels. Below it the mouth
    /// is a few pixels wide and upscaling only shows blur: the job is refused with face_too_small.
    /// </summary>
    public int MinFaceSizePixels { get; set; } = 64;

    /// <summary>Longest side of the preview JPEG sent with progress events.</summary>
    public int PreviewMaxSide { get; set; } = 320;

    /// <summary>Minimum time between two preview JPEGs.</summary>
    public TimeSpan PreviewInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}
