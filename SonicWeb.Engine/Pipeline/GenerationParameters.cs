using SonicWeb.Engine.Rendering;

namespace SonicWeb.Engine.Pipeline;

/// <summary>
/// What the user asks for. Defaults are Sonic's recommended values (see <see cref="ParameterCatalog"/>);
/// validate with <see cref="ParameterValidator"/> before use.
/// </summary>
public sealed record GenerationParameters
{
    public const int Fps = 25;

    /// <summary>Requested video length in seconds; null means "the audio's length".</summary>
    public double? Duration { get; init; }
    public int MinResolution { get; init; } = (int)ParameterCatalog.MinResolution.Default;
    public double ExpandRatio { get; init; } = ParameterCatalog.ExpandRatio.Default;
    public int InferenceSteps { get; init; } = (int)ParameterCatalog.InferenceSteps.Default;
    public double DynamicScale { get; init; } = ParameterCatalog.DynamicScale.Default;
    public double MotionScale { get; init; } = ParameterCatalog.MotionScale.Default;
    public bool AlignMouth { get; init; } = true;
    public bool SmoothMotion { get; init; } = true;
    /// <summary>Null: a seed is drawn and reported, so the run can be repeated.</summary>
    public int? Seed { get; init; }
    public CropMode Crop { get; init; } = CropMode.Face;

    /// <summary>Frames for a video of <paramref name="seconds"/>: rounded to the nearest frame, at least one.</summary>
    public static int FrameCountFor(double seconds) => Math.Max(1, (int)Math.Round(seconds * Fps));
}
