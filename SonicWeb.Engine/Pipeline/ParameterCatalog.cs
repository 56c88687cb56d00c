using System.Globalization;

namespace SonicWeb.Engine.Pipeline;

/// <summary>
/// One tunable parameter: its name as the product brief spells it (used by the CLI, the REST API and
/// the web form), default, the range we recommend, the hard range we accept, and one line of help.
/// </summary>
public sealed record ParameterSpec(
    string Name,
    string Help,
    double Default,
    double RecommendedMin,
    double RecommendedMax,
    double HardMin,
    double HardMax,
    bool IsInteger)
{
    public string Format(double value) => IsInteger
        ? ((long)value).ToString(CultureInfo.InvariantCulture)
        : value.ToString("0.###", CultureInfo.InvariantCulture);

    public string RecommendedRange => $"{Format(RecommendedMin)}..{Format(RecommendedMax)}";
    public string HardRange => $"{Format(HardMin)}..{Format(HardMax)}";
}

/// <summary>
/// The numeric parameters with their defaults and ranges, in one table so the validator, the CLI
/// help, the web form and the docs cannot disagree.
/// </summary>
public static class ParameterCatalog
{
    public static readonly ParameterSpec MinResolution = new("min_resolution",
        "Short side of the output video in pixels (rounded to a multiple of 16).",
        768, 384, 1024, 256, 2048, IsInteger: true);

    public static readonly ParameterSpec ExpandRatio = new("expand_ratio",
        "How much room around the face to keep, as a share of the face size on each side.",
        0.15, 0.15, 0.2, 0, 1, IsInteger: false);

    public static readonly ParameterSpec InferenceSteps = new("inference_steps",
        "Denoising steps for diffusion backends; more is slower and smoother. Used by the time estimate.",
        20, 20, 30, 1, 100, IsInteger: true);

    public static readonly ParameterSpec DynamicScale = new("dynamic_scale",
        "How wide the mouth opens with the voice (1 = natural).",
        1.1, 1.0, 1.2, 0, 3, IsInteger: false);

    public static readonly ParameterSpec MotionScale = new("motion_scale",
        "How much the head moves (0 = still).",
        1.05, 1.0, 1.1, 0, 3, IsInteger: false);

    public static readonly ParameterSpec Duration = new("duration",
        "Video length in seconds; defaults to the audio length. A different value pads with silence or cuts.",
        0, 0.2, 300, 0.2, 600, IsInteger: false);

    public static readonly ParameterSpec Seed = new("seed",
        "Random seed for blinks and head motion; the same seed gives the same video.",
        0, 0, int.MaxValue, 0, int.MaxValue, IsInteger: true);

    public static IReadOnlyList<ParameterSpec> All { get; } =
        [MinResolution, ExpandRatio, InferenceSteps, DynamicScale, MotionScale, Duration, Seed];
}
