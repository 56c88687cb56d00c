using System.Globalization;

namespace SonicWeb.Engine.Pipeline;

/// <summary>
/// One tunable parameter: its name as Sonic's users know it (used by the CLI, the REST API and
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
    /// <summary>How pages title the field; the API name unless a clearer one is given.</summary>
    public string Label { get; init; } = Name;

    public string Format(double value) => IsInteger
        ? ((long)value).ToString(CultureInfo.InvariantCulture)
        : value.ToString("0.###", CultureInfo.InvariantCulture);

    public string RecommendedRange => $"{Format(RecommendedMin)}..{Format(RecommendedMax)}";
    public string HardRange => $"{Format(HardMin)}..{Format(HardMax)}";
}

/// <summary>A yes/no parameter: its name, default and one line of help.</summary>
public sealed record SwitchSpec(string Name, string Help, bool Default)
{
    public string Label { get; init; } = Name;
}

/// <summary>One value of a <see cref="ChoiceSpec"/> with what it means.</summary>
public sealed record ChoiceOption(string Value, string Help);

/// <summary>A parameter with a few named values (the crop mode).</summary>
public sealed record ChoiceSpec(string Name, string Help, string Default, IReadOnlyList<ChoiceOption> Options)
{
    public string Label { get; init; } = Name;

    public bool Allows(string value) => Options.Any(o => o.Value == value);
}

/// <summary>
/// Every parameter with its default, ranges or values and help, in one table so the validator, the
/// parameter binder, the CLI help, the web forms and the docs cannot disagree: the numeric ones
/// (<see cref="All"/>), the on/off switches (<see cref="Switches"/>) and the crop mode (<see cref="Crop"/>).
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

    /// <summary>The numeric parameters.</summary>
    public static IReadOnlyList<ParameterSpec> All { get; } =
        [MinResolution, ExpandRatio, InferenceSteps, DynamicScale, MotionScale, Duration, Seed];

    public static readonly SwitchSpec AlignMouth = new("align_mouth",
        "Move the mouth slightly ahead of the sound, as people do.", Default: true);

    public static readonly SwitchSpec SmoothMotion = new("smooth_motion",
        "Filter the motion curves so the head and mouth move smoothly.", Default: true);

    public static IReadOnlyList<SwitchSpec> Switches { get; } = [AlignMouth, SmoothMotion];

    public static readonly ChoiceSpec Crop = new("crop",
        "\"face\": a square around the face; \"full\": the whole photo.", "face",
        [new("face", "A square around the face, with room for the head and shoulders."), new("full", "The whole photo.")]);

    /// <summary>Every parameter name: numeric, switches, crop (the order of the forms and the API's messages).</summary>
    public static IReadOnlyList<string> Names { get; } =
        [.. All.Select(s => s.Name), .. Switches.Select(s => s.Name), Crop.Name];
}
