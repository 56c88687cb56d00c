using System.Numerics;
using SonicWeb.Engine.Backends;
using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Faces;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Engine.Rendering;

namespace SonicWeb.Tests.Engine.Pipeline;

/// <summary>A backend's limits refuse what it cannot make, naming the backend and the limit.</summary>
public class BackendLimitsTests
{
    private static readonly BackendLimits Limits = new(MaxAudioSeconds: 60, MaxVideoSeconds: 60, MinResolution: 384, MaxResolution: 1024);

    private static InspectionResult Job(double audio, double video, int side)
    {
        var face = new FaceAnalysis(new FaceDetection(new RectF(10, 10, 100, 100), 0.9f, []), new FaceLandmarks(new Vector2[68]), 1, []);
        return new InspectionResult(512, 512, face, audio, video, new FrameLayout(new RectF(0, 0, 512, 512), side, side), 0, []);
    }

    [Fact]
    public void A_job_inside_the_limits_passes() => Limits.Enforce(Job(30, 30, 512), "remote");

    [Theory]
    [InlineData(90, 30, 512, EngineErrorCodes.AudioTooLong, "at most 60 s")]
    [InlineData(30, 90, 512, EngineErrorCodes.InvalidParameter, "at most 60 s")]
    [InlineData(30, 30, 256, EngineErrorCodes.InvalidParameter, "384..1024 px")]
    [InlineData(30, 30, 2048, EngineErrorCodes.InvalidParameter, "384..1024 px")]
    public void A_job_beyond_a_limit_is_refused_naming_the_backend_and_the_limit(double audio, double video, int side, string code, string limit)
    {
        var e = Assert.Throws<SonicEngineException>(() => Limits.Enforce(Job(audio, video, side), "remote"));
        Assert.Equal(code, e.Code);
        Assert.Contains("remote backend", e.Message);
        Assert.Contains(limit, e.Message);
    }
}
