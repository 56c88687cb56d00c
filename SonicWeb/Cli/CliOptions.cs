using System.CommandLine;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Engine.Rendering;

namespace SonicWeb.Cli;

/// <summary>The options of the generate and inspect verbs, named after the API's parameters (--min-resolution for min_resolution, ...).</summary>
internal sealed class CliOptions
{
    public Option<string> Image { get; } = new("--image") { Description = "Portrait photo (PNG, JPEG or WebP).", Required = true };
    public Option<string> Audio { get; } = new("--audio") { Description = "Voice recording (WAV, MP3, M4A/AAC, OGG/Opus, FLAC).", Required = true };
    public Option<string> Output { get; } = new("--output") { Description = "Where to write the MP4.", Required = true };
    public Option<int> MinResolution { get; } = Numeric<int>("--min-resolution", ParameterCatalog.MinResolution);
    public Option<double> ExpandRatio { get; } = Numeric<double>("--expand-ratio", ParameterCatalog.ExpandRatio);
    public Option<int> InferenceSteps { get; } = Numeric<int>("--inference-steps", ParameterCatalog.InferenceSteps);
    public Option<double> DynamicScale { get; } = Numeric<double>("--dynamic-scale", ParameterCatalog.DynamicScale);
    public Option<double> MotionScale { get; } = Numeric<double>("--motion-scale", ParameterCatalog.MotionScale);
    public Option<bool> AlignMouth { get; } = new("--align-mouth") { Description = "Lead the mouth slightly ahead of the sound (true|false).", DefaultValueFactory = _ => true };
    public Option<bool> SmoothMotion { get; } = new("--smooth-motion") { Description = "Filter the motion curves (true|false).", DefaultValueFactory = _ => true };
    public Option<double?> Duration { get; } = new("--duration") { Description = ParameterCatalog.Duration.Help };
    public Option<int?> Seed { get; } = new("--seed") { Description = ParameterCatalog.Seed.Help };
    public Option<string> Crop { get; } = new("--crop") { Description = "face: a square around the face; full: the whole photo.", DefaultValueFactory = _ => "face" };
    public Option<bool> Json { get; } = new("--json") { Description = "Print one JSON object (result or error) on stdout." };

    public CliOptions() => Crop.AcceptOnlyFromAmong("face", "full");

    public GenerationParameters ToParameters(ParseResult r) => new()
    {
        MinResolution = r.GetValue(MinResolution),
        ExpandRatio = r.GetValue(ExpandRatio),
        InferenceSteps = r.GetValue(InferenceSteps),
        DynamicScale = r.GetValue(DynamicScale),
        MotionScale = r.GetValue(MotionScale),
        AlignMouth = r.GetValue(AlignMouth),
        SmoothMotion = r.GetValue(SmoothMotion),
        Duration = r.GetValue(Duration),
        Seed = r.GetValue(Seed),
        Crop = r.GetValue(Crop) == "full" ? CropMode.Full : CropMode.Face,
    };

    /// <summary>The parameter options shared by generate and inspect.</summary>
    public IEnumerable<Option> ParameterOptions =>
        [MinResolution, ExpandRatio, InferenceSteps, DynamicScale, MotionScale, AlignMouth, SmoothMotion, Duration, Seed, Crop, Json];

    private static Option<T> Numeric<T>(string name, ParameterSpec spec) where T : struct => new(name)
    {
        Description = $"{spec.Help} Default {spec.Format(spec.Default)}, recommended {spec.RecommendedRange}, allowed {spec.HardRange}.",
        DefaultValueFactory = _ => (T)Convert.ChangeType(spec.Default, typeof(T), System.Globalization.CultureInfo.InvariantCulture),
    };
}
