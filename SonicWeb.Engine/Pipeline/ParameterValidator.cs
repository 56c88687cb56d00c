using SonicWeb.Engine.Errors;

namespace SonicWeb.Engine.Pipeline;

/// <summary>A problem with one field. Message names the field, the value and the allowed range.</summary>
public sealed record ParameterIssue(string Field, string Message);

public sealed record ValidationResult(IReadOnlyList<ParameterIssue> Errors, IReadOnlyList<ParameterIssue> Warnings)
{
    public bool IsValid => Errors.Count == 0;

    /// <summary>Throws invalid_parameter listing every error, so a user fixes all of them at once.</summary>
    public void ThrowIfInvalid()
    {
        if (!IsValid)
            throw new SonicEngineException(EngineErrorCodes.InvalidParameter, string.Join(" ", Errors.Select(e => e.Message)));
    }
}

/// <summary>
/// Checks parameters against the hard limits (errors) and the recommended ranges (warnings), and the
/// requested duration against the audio's (a warning: the video follows the request explicitly).
/// </summary>
public static class ParameterValidator
{
    public static ValidationResult Validate(GenerationParameters p, double? audioSeconds = null)
    {
        var errors = new List<ParameterIssue>();
        var warnings = new List<ParameterIssue>();

        Check(ParameterCatalog.MinResolution, p.MinResolution, errors, warnings);
        Check(ParameterCatalog.ExpandRatio, p.ExpandRatio, errors, warnings);
        Check(ParameterCatalog.InferenceSteps, p.InferenceSteps, errors, warnings);
        Check(ParameterCatalog.DynamicScale, p.DynamicScale, errors, warnings);
        Check(ParameterCatalog.MotionScale, p.MotionScale, errors, warnings);
        if (p.Seed is { } seed && seed < 0)
            errors.Add(new("seed", $"seed is {seed}; it must be 0 or more."));

        if (p.Duration is { } d)
        {
            var spec = ParameterCatalog.Duration;
            if (!double.IsFinite(d) || d < spec.HardMin || d > spec.HardMax)
                errors.Add(new(spec.Name, $"{spec.Name} is {spec.Format(d)} s; it must be between {spec.HardMin} and {spec.HardMax} seconds."));
            else if (audioSeconds is { } a && Math.Abs(d - a) > 1.0 / GenerationParameters.Fps)
                warnings.Add(new(spec.Name, d > a
                    ? $"duration {spec.Format(d)} s is longer than the audio ({spec.Format(a)} s): the video is padded with {spec.Format(d - a)} s of silence."
                    : $"duration {spec.Format(d)} s is shorter than the audio ({spec.Format(a)} s): the last {spec.Format(a - d)} s of audio are cut."));
        }
        return new ValidationResult(errors, warnings);
    }

    private static void Check(ParameterSpec spec, double value, List<ParameterIssue> errors, List<ParameterIssue> warnings)
    {
        if (!double.IsFinite(value) || value < spec.HardMin || value > spec.HardMax)
        {
            errors.Add(new(spec.Name, $"{spec.Name} is {(double.IsFinite(value) ? spec.Format(value) : value.ToString())}; the allowed range is {spec.HardRange} (recommended {spec.RecommendedRange})."));
            return;
        }
        if (value < spec.RecommendedMin || value > spec.RecommendedMax)
            warnings.Add(new(spec.Name, $"{spec.Name} {spec.Format(value)} is outside the recommended range {spec.RecommendedRange}; results may look unnatural."));
    }
}
