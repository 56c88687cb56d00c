using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Pipeline;

namespace SonicWeb.Tests.Engine.Pipeline;

public class ParameterValidatorTests
{
    [Fact]
    public void Defaults_follow_the_brief_and_are_valid_without_warnings()
    {
        var p = new GenerationParameters();
        Assert.Equal(768, p.MinResolution);
        Assert.Equal(0.15, p.ExpandRatio);
        Assert.Equal(20, p.InferenceSteps);
        Assert.Equal(1.1, p.DynamicScale);
        Assert.Equal(1.05, p.MotionScale);
        Assert.True(p.AlignMouth);
        Assert.True(p.SmoothMotion);
        var result = ParameterValidator.Validate(p, audioSeconds: 5);
        Assert.True(result.IsValid);
        Assert.Empty(result.Warnings);
    }

    [Theory]
    [InlineData("min_resolution", "5000", "256..2048")]
    [InlineData("expand_ratio", "-0.5", "0..1")]
    [InlineData("inference_steps", "0", "1..100")]
    [InlineData("dynamic_scale", "7", "0..3")]
    [InlineData("motion_scale", "-1", "0..3")]
    public void Values_outside_hard_limits_are_errors_naming_field_value_and_range(string field, string value, string range)
    {
        var v = double.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        var p = field switch
        {
            "min_resolution" => new GenerationParameters { MinResolution = (int)v },
            "expand_ratio" => new GenerationParameters { ExpandRatio = v },
            "inference_steps" => new GenerationParameters { InferenceSteps = (int)v },
            "dynamic_scale" => new GenerationParameters { DynamicScale = v },
            _ => new GenerationParameters { MotionScale = v },
        };
        var result = ParameterValidator.Validate(p);
        var error = Assert.Single(result.Errors);
        Assert.Equal(field, error.Field);
        Assert.Contains(field, error.Message);
        Assert.Contains(value, error.Message);
        Assert.Contains(range, error.Message);
        var e = Assert.Throws<SonicEngineException>(result.ThrowIfInvalid);
        Assert.Equal(EngineErrorCodes.InvalidParameter, e.Code);
    }

    [Fact]
    public void Values_outside_the_recommended_range_are_warnings_only()
    {
        var result = ParameterValidator.Validate(new GenerationParameters { MinResolution = 1536, DynamicScale = 1.5 });
        Assert.True(result.IsValid);
        Assert.Equal(["min_resolution", "dynamic_scale"], result.Warnings.Select(w => w.Field));
        Assert.Contains("recommended range 384..1024", result.Warnings[0].Message);
    }

    [Fact]
    public void Every_error_is_reported_at_once()
    {
        var result = ParameterValidator.Validate(new GenerationParameters { MinResolution = 10, MotionScale = 9, Seed = -3 });
        Assert.Equal(3, result.Errors.Count);
    }

    [Fact]
    public void A_duration_that_differs_from_the_audio_is_a_warning_saying_what_happens()
    {
        var longer = ParameterValidator.Validate(new GenerationParameters { Duration = 6 }, audioSeconds: 4);
        Assert.True(longer.IsValid);
        Assert.Contains("padded with 2 s of silence", Assert.Single(longer.Warnings).Message);

        var shorter = ParameterValidator.Validate(new GenerationParameters { Duration = 3 }, audioSeconds: 4);
        Assert.Contains("last 1 s of audio are cut", Assert.Single(shorter.Warnings).Message);

        var within = ParameterValidator.Validate(new GenerationParameters { Duration = 4.02 }, audioSeconds: 4);
        Assert.Empty(within.Warnings);

        var bad = ParameterValidator.Validate(new GenerationParameters { Duration = 0 }, audioSeconds: 4);
        Assert.Contains("duration", Assert.Single(bad.Errors).Message);
    }
}
