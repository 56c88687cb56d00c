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

    /// <summary>
    /// The folder with the model files (models/manifest.json names them). Empty: the SONICWEB_MODELS environment
    /// variable, else "models" beside the program, where the build copies them.
    /// </summary>
    public string? ModelsDirectory { get; set; }

    /// <summary>x264 preset: veryfast keeps 1024x1024 above 10 fps on 2 cores; slower presets compress better.</summary>
    public string EncoderPreset { get; set; } = "veryfast";

    /// <summary>x264 constant rate factor (lower = better quality, bigger files).</summary>
    public int EncoderCrf { get; set; } = 20;

    /// <summary>
    /// What the renderer hands the encoder: Yuv420p (default) renders straight into planar YUV 4:2:0, so
    /// ffmpeg does no conversion and the pipe carries half the bytes; Rgb24 is the former path (ffmpeg
    /// converts), kept for comparison in the benchmark (docs/engine.md, "Rendering into YUV").
    /// </summary>
    public RawFrameFormat EncoderInput { get; set; } = RawFrameFormat.Yuv420p;

    /// <summary>
    /// Smallest face we animate, as the detected face box's width in source pixels. Below it the mouth
    /// is a few pixels wide and upscaling only shows blur: the job is refused with face_too_small.
    /// </summary>
    public int MinFaceSizePixels { get; set; } = 64;

    /// <summary>Longest side of the preview JPEG sent with progress events.</summary>
    public int PreviewMaxSide { get; set; } = 320;

    /// <summary>
    /// How many nice steps (Linux scheduling priority, 0-19) below the web serving a job's rendering runs: its render
    /// threads (<see cref="Scheduling.EngineThreads"/>) and its ffmpeg encoder. A running job then takes the CPU the
    /// pages and the API leave, instead of sharing it equally with them. 0 (default) runs the engine at the app's own
    /// priority: off by default because the bench did not show a gain and a starved low-priority managed thread can
    /// lengthen the GC's stop-the-world pauses (docs/engine.md). Has no effect off Linux.
    /// </summary>
    public int Nice { get; set; }

    /// <summary>Minimum time between two preview JPEGs.</summary>
    public TimeSpan PreviewInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Settings that cannot work, each naming the setting (its path in these options, e.g.
    /// "Limits:MaxAudioSeconds"), its value and what it must be. Empty when all are usable.
    /// </summary>
    public IEnumerable<string> Problems()
    {
        var l = Limits;
        if (l.MaxImageBytes <= 0) yield return $"Limits:MaxImageBytes is {l.MaxImageBytes}; it must be more than 0 bytes.";
        if (l.MaxImagePixels <= 0) yield return $"Limits:MaxImagePixels is {l.MaxImagePixels}; it must be more than 0 pixels.";
        if (l.MaxImageSide <= 0) yield return $"Limits:MaxImageSide is {l.MaxImageSide}; it must be more than 0 pixels.";
        if (l.MaxAudioBytes <= 0) yield return $"Limits:MaxAudioBytes is {l.MaxAudioBytes}; it must be more than 0 bytes.";
        if (!(l.MinAudioSeconds >= 0)) yield return $"Limits:MinAudioSeconds is {l.MinAudioSeconds}; it must be 0 or more seconds.";
        if (!(l.MaxAudioSeconds > l.MinAudioSeconds))
            yield return $"Limits:MaxAudioSeconds is {l.MaxAudioSeconds}; it must be more than Limits:MinAudioSeconds ({l.MinAudioSeconds}).";
        if (string.IsNullOrWhiteSpace(Ffmpeg.FfmpegPath)) yield return "Ffmpeg:FfmpegPath is empty; it must name the ffmpeg executable.";
        if (string.IsNullOrWhiteSpace(Ffmpeg.FfprobePath)) yield return "Ffmpeg:FfprobePath is empty; it must name the ffprobe executable.";
        if (!(Ffmpeg.ReadSeconds >= 1)) yield return $"Ffmpeg:ReadSeconds is {Ffmpeg.ReadSeconds}; it must be at least 1 second.";
        if (!(Ffmpeg.EncodeSeconds >= 1)) yield return $"Ffmpeg:EncodeSeconds is {Ffmpeg.EncodeSeconds}; it must be at least 1 second.";
        if (Ffmpeg.MaxOutputBytes < 1024 * 1024) yield return $"Ffmpeg:MaxOutputBytes is {Ffmpeg.MaxOutputBytes}; it must be at least 1048576 (1 MB).";
        if (string.IsNullOrWhiteSpace(EncoderPreset)) yield return "EncoderPreset is empty; it must be an x264 preset such as veryfast.";
        if (EncoderCrf is < 0 or > 51) yield return $"EncoderCrf is {EncoderCrf}; it must be 0..51.";
        if (MinFaceSizePixels < 1) yield return $"MinFaceSizePixels is {MinFaceSizePixels}; it must be 1 or more pixels.";
        if (PreviewMaxSide < 16) yield return $"PreviewMaxSide is {PreviewMaxSide}; it must be 16 or more pixels.";
        if (PreviewInterval < TimeSpan.Zero) yield return $"PreviewInterval is {PreviewInterval}; it must not be negative.";
        if (Nice is < 0 or > 19) yield return $"Nice is {Nice}; it must be 0 (the app's own priority) to 19 (the lowest).";
        if (Onnx.IntraOpThreads < 0) yield return $"Onnx:IntraOpThreads is {Onnx.IntraOpThreads}; it must be 0 (ONNX Runtime's choice) or more.";
    }
}
