using System.Diagnostics;
using SonicWeb.Engine.Animation;
using SonicWeb.Engine.Audio;
using SonicWeb.Engine.Audio.Vad;
using SonicWeb.Engine.Faces;
using SonicWeb.Engine.Media;
using SonicWeb.Engine.Models;
using SonicWeb.Engine.Onnx;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Engine.Rendering;

namespace SonicWeb.Bench;

/// <summary>
/// Render only: the same inputs, face, poses and layout as the pipeline, every frame rendered into one
/// reused buffer in the encoder's input format (RGB24, or I420 with the conversion counted as rendering);
/// only the render calls are timed. Each frame is also appended to a raw file (untimed), the input of the
/// encode-only baseline.
/// </summary>
public static class RenderCase
{
    public static async Task<CaseResult> RunAsync(BenchOptions o)
    {
        using var onnx = new OrtRuntime();
        var options = new EngineOptions();
        var p = CaseRunner.Parameters(o.Resolution);
        var models = AnalysisModels.Load(ModelStore.Default, onnx, options.Onnx, Console.Error.WriteLine);
        var image = await ImageLoader.LoadAsync(CaseRunner.Require(o.Image, "image"), options.Limits, CancellationToken.None);
        var audio = await AudioLoader.LoadAsync(CaseRunner.Require(o.Audio, "audio"), options.Limits, CancellationToken.None);
        var face = new FaceAnalyzer(models.FaceDetector, models.LandmarkNet, options.MinFaceSizePixels).Analyze(image);
        var layout = Framing.Compute(image.Width, image.Height, face.Face.Box, p.Crop, (float)p.ExpandRatio, p.MinResolution);
        var poses = AnimateLikeThePipeline(models, audio, p);

        var setup = Stopwatch.StartNew();
        var renderer = new FaceRenderer(image, face.Landmarks, layout);
        double setupSeconds = setup.Elapsed.TotalSeconds;

        var format = o.Input ?? options.EncoderInput;
        bool i420 = format == RawFrameFormat.Yuv420p;
        var frame = new byte[i420 ? renderer.I420FrameBytes : renderer.FrameBytes];
        var render = new Stopwatch();
        var cpu = new CpuMeter();
        await using (var raw = new FileStream(CaseRunner.Require(o.Raw, "raw"), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            foreach (var pose in poses)
            {
                cpu.Start();
                render.Start();
                if (i420) renderer.RenderI420(pose, frame);
                else renderer.Render(pose, frame);
                render.Stop();
                cpu.Stop();
                raw.Write(frame);
            }
        }

        double seconds = render.Elapsed.TotalSeconds;
        return new CaseResult
        {
            Case = "render",
            Resolution = o.Resolution,
            Width = layout.Width,
            Height = layout.Height,
            Frames = poses.Length,
            AudioSeconds = poses.Length / (double)GenerationParameters.Fps,
            ElapsedSeconds = seconds,
            Fps = poses.Length / seconds,
            StageSeconds = new Dictionary<string, double> { ["RendererSetup"] = setupSeconds, ["Render"] = seconds },
            CpuSeconds = cpu.SelfSeconds,
        };
    }

    /// <summary>The pipeline's control curves and animation (BuiltInBackend does the same steps privately).</summary>
    private static FacePose[] AnimateLikeThePipeline(AnalysisModels models, AudioClip audio, GenerationParameters p)
    {
        int frames = GenerationParameters.FrameCountFor(p.Duration ?? audio.DurationSeconds);
        const int fps = GenerationParameters.Fps;
        var loudness = LoudnessEnvelope.PerFrame(audio.Samples, audio.SampleRate, fps, frames);
        var voice = SileroVad.PerFrame(models.VoiceActivity.SpeechProbabilities(audio.Samples), fps, frames);
        return Animator.Animate(new FrameControls(fps, loudness, voice), new AnimationSettings(
            (float)p.DynamicScale, (float)p.MotionScale, p.AlignMouth, p.SmoothMotion, p.Seed ?? 0));
    }
}
