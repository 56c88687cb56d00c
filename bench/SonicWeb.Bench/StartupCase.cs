using System.Diagnostics;
using SonicWeb.Engine.Animation;
using SonicWeb.Engine.Audio;
using SonicWeb.Engine.Audio.Vad;
using SonicWeb.Engine.Media;
using SonicWeb.Engine.Models;
using SonicWeb.Engine.Onnx;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Engine.Rendering;

namespace SonicWeb.Bench;

/// <summary>
/// What a job's fixed start is made of: the steps BuiltInBackend runs before and around its first frames, each
/// timed alone and one after the other (so the figures add up; the backend itself overlaps some of them), twice in
/// this process: "cold" (the first job of a fresh process, as the pipeline case's child and a freshly started
/// service) and "warm" (the next job in the same process, as in a running service: JIT done, sessions made).
/// Loading the networks (ONNX session creation and the landmark weights) is timed once, before both.
/// </summary>
public static class StartupCase
{
    private const int FramesTimed = 10;

    public static async Task<CaseResult> RunAsync(BenchOptions o)
    {
        var steps = new Dictionary<string, double>();
        var load = Stopwatch.StartNew();
        using var onnx = new OrtRuntime();
        var options = new EngineOptions();
        var models = AnalysisModels.Load(ModelStore.Default, onnx, options.Onnx, Console.Error.WriteLine);
        steps["modelLoad"] = load.Elapsed.TotalSeconds;
        int frames = 0, width = 0, height = 0;
        foreach (var pass in new[] { "cold", "warm" })
            (frames, width, height) = await OneJobAsync(o, options, models, pass, steps);
        return new CaseResult
        {
            Case = "startup",
            Resolution = o.Resolution,
            Width = width,
            Height = height,
            Frames = frames,
            StageSeconds = steps,
        };
    }

    private static async Task<(int Frames, int Width, int Height)> OneJobAsync(BenchOptions o, EngineOptions options, AnalysisModels models,
        string pass, Dictionary<string, double> steps)
    {
        var p = CaseRunner.Parameters(o.Resolution);
        var clock = Stopwatch.StartNew();
        T Time<T>(string name, Func<T> step)
        {
            var t = Stopwatch.StartNew();
            var result = step();
            steps[$"{pass}.{name}"] = t.Elapsed.TotalSeconds;
            return result;
        }
        async Task<T> TimeAsync<T>(string name, Func<Task<T>> step)
        {
            var t = Stopwatch.StartNew();
            var result = await step();
            steps[$"{pass}.{name}"] = t.Elapsed.TotalSeconds;
            return result;
        }

        string imagePath = CaseRunner.Require(o.Image, "image"), audioPath = CaseRunner.Require(o.Audio, "audio");
        var image = await TimeAsync("imageLoad", () => ImageLoader.LoadAsync(imagePath, options.Limits, CancellationToken.None));
        await TimeAsync("audioProbe", () => MediaProbe.ProbeAsync(audioPath, new MediaProbeOptions { FormatWhitelist = MediaProbe.AudioDemuxers }, CancellationToken.None));
        var audio = await TimeAsync("audioLoad", () => AudioLoader.LoadAsync(audioPath, options.Limits, CancellationToken.None));
        var faces = Time("faceDetect", () => models.FaceDetector.Detect(image));
        var box = faces.MaxBy(f => f.Box.Area)!.Box;
        var landmarks = Time("landmarks", () => models.LandmarkNet.DetectFromDetectorBox(image, box));
        var layout = Framing.Compute(image.Width, image.Height, box, p.Crop, (float)p.ExpandRatio, p.MinResolution);

        int frameCount = GenerationParameters.FrameCountFor(p.Duration ?? audio.DurationSeconds);
        const int fps = GenerationParameters.Fps;
        var loudness = Time("loudness", () => LoudnessEnvelope.PerFrame(audio.Samples, audio.SampleRate, fps, frameCount));
        var voice = Time("vad", () => SileroVad.PerFrame(models.VoiceActivity.SpeechProbabilities(audio.Samples), fps, frameCount));
        var visemes = Time("visemes", () => VisemeClassifier.PerFrame(audio.Samples, audio.SampleRate, fps, frameCount));
        var poses = Time("animate", () => Animator.Animate(new FrameControls(fps, loudness, voice) { Visemes = visemes },
            new AnimationSettings((float)p.DynamicScale, (float)p.MotionScale, p.AlignMouth, p.SmoothMotion, p.Seed ?? 0)));
        var renderer = Time("rendererSetup", () => new FaceRenderer(image, landmarks, layout, faces.Where(f => f.Box != box).Select(f => f.Box).ToList()));

        // The encoder: process start, then the first frame written (ffmpeg has read its arguments and opened the
        // audio by the time the pipe takes a whole frame).
        var frame = new byte[renderer.I420FrameBytes];
        var output = CaseRunner.Require(o.Output, "out");
        await using var encoder = await TimeAsync("encoderStart", () => VideoEncoder.StartAsync(new VideoEncoderSettings
        {
            Width = layout.Width, Height = layout.Height, Fps = fps, InputFormat = RawFrameFormat.Yuv420p,
            FrameCount = FramesTimed, AudioPath = audioPath, OutputPath = output, Preset = options.EncoderPreset, Crf = options.EncoderCrf,
        }, CancellationToken.None));

        var render = Stopwatch.StartNew();
        renderer.RenderI420(poses[0], frame);
        steps[$"{pass}.firstFrame"] = render.Elapsed.TotalSeconds;
        var later = new List<double>();
        for (int i = 1; i < FramesTimed; i++)
        {
            render.Restart();
            renderer.RenderI420(poses[i % poses.Length], frame);
            later.Add(render.Elapsed.TotalSeconds);
        }
        later.Sort();
        steps[$"{pass}.laterFrameMedian"] = later[later.Count / 2];
        for (int i = 0; i < FramesTimed; i++) await encoder.WriteFrameAsync(frame, CancellationToken.None);
        var finish = Stopwatch.StartNew();
        await encoder.CompleteAsync(CancellationToken.None);
        steps[$"{pass}.encoderFinish{FramesTimed}"] = finish.Elapsed.TotalSeconds;
        steps[$"{pass}.total"] = clock.Elapsed.TotalSeconds;
        File.Delete(output);
        return (frameCount, layout.Width, layout.Height);
    }
}
