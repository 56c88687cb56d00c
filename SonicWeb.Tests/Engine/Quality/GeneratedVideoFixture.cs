using SonicWeb.Engine.Animation;
using SonicWeb.Engine.Audio;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Media;
using SonicWeb.Engine.Models;
using SonicWeb.Engine.Backends.BuiltIn;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Engine.Quality;
using SonicWeb.Engine.Rendering;
using SonicWeb.Tests.TestSupport;

namespace SonicWeb.Tests.Engine.Quality;

/// <summary>A generated video measured on its decoded frames.</summary>
public sealed record MeasuredVideo(float[] Opening, float[] OpeningWidth, float[] Loudness, VideoQualityReport Report);

/// <summary>
/// Runs the real pipeline (models, ffmpeg) on the astronaut and espeak-ng speech, once per distinct
/// input, at the smallest resolution to keep the tests quick, and measures the output MP4.
/// </summary>
public sealed class GeneratedVideoFixture
{
    private readonly Lazy<BuiltInBackend> _pipeline = new(() =>
    {
        var options = new EngineOptions();
        return new BuiltInBackend(options, AnalysisModels.Load(ModelStore.Default, TestOnnx.Runtime, options.Onnx));
    });
    private readonly Dictionary<string, Task<MeasuredVideo>> _videos = [];

    public Task<MeasuredVideo> Get(string name, string audioPath, double motionScale)
    {
        lock (_videos)
        {
            if (!_videos.TryGetValue(name, out var task))
                _videos[name] = task = Task.Run(() => GenerateAsync(name, audioPath, motionScale));
            return task;
        }
    }

    private async Task<MeasuredVideo> GenerateAsync(string name, string audioPath, double motionScale)
    {
        var pipeline = _pipeline.Value;
        var parameters = new GenerationParameters { MinResolution = 384, MotionScale = motionScale, Seed = 3 };
        string video = Path.Combine(TestMedia.WorkDir, name + ".mp4");
        var inspection = await pipeline.InspectAsync(TestMedia.AstronautPng, audioPath, parameters);
        await pipeline.GenerateAsync(new GenerationRequest(TestMedia.AstronautPng, audioPath, video, parameters));
        var clip = await AudioLoader.LoadAsync(audioPath, new MediaLimits(), CancellationToken.None);
        // Measured against the photo framed as the video and not animated, as the quality report does.
        var photo = await ImageLoader.LoadAsync(TestMedia.AstronautPng, new MediaLimits(), CancellationToken.None);
        var still = new RgbImage(inspection.Layout.Width, inspection.Layout.Height);
        new FaceRenderer(photo, inspection.Face.Landmarks, inspection.Layout).Render(FacePose.Neutral, still.Pixels);
        var report = await VideoQualityAnalyzer.AnalyseAsync(video, inspection.Face.Landmarks, inspection.Layout, clip,
            GenerationParameters.Fps, sheetEvery: 4, still);
        File.WriteAllBytes(Path.Combine(TestMedia.ArtifactsDir, $"quality-{name}-mouth.png"), SonicWeb.Engine.Imaging.ImageEncoder.Png(report.MouthSheet));
        return new MeasuredVideo(report.Opening, report.OpeningWidth, report.Loudness, report);
    }
}
