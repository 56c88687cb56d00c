using System.Diagnostics;
using System.Threading.Channels;
using SonicWeb.Engine.Animation;
using SonicWeb.Engine.Audio;
using SonicWeb.Engine.Audio.Vad;
using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Faces;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Media;
using SonicWeb.Engine.Rendering;

namespace SonicWeb.Engine.Pipeline;

public sealed record GenerationRequest(string ImagePath, string AudioPath, string OutputPath, GenerationParameters Parameters);

/// <summary>What a finished run produced. <see cref="StageSeconds"/> is keyed by <see cref="GenerationStage"/> name.</summary>
public sealed record GenerationResult(
    string OutputPath,
    int Frames,
    int Fps,
    int Width,
    int Height,
    double DurationSeconds,
    double ElapsedSeconds,
    int Seed,
    IReadOnlyList<string> Warnings,
    IReadOnlyDictionary<string, double> StageSeconds);

/// <summary>What the engine learns from the inputs without rendering (the CLI's inspect verb, the web form).</summary>
public sealed record InspectionResult(
    int ImageWidth,
    int ImageHeight,
    FaceAnalysis Face,
    double AudioSeconds,
    double VideoSeconds,
    FrameLayout Layout,
    double EstimatedSeconds,
    IReadOnlyList<string> Warnings);

/// <summary>
/// Photo + voice -> MP4 with the built-in CPU animator: load and check inputs, analyse face and audio,
/// animate, then render frames straight into the encoder (never holding more than a few frames).
/// Thread-safe: one instance serves many jobs; models are loaded once.
/// </summary>
public sealed partial class GenerationPipeline(EngineOptions options, AnalysisModels models, TimeEstimator? estimator = null)
{
    private const int FramesInFlight = 3;
    private readonly TimeEstimator _estimator = estimator ?? new TimeEstimator();

    public EngineOptions Options => options;

    public async Task<InspectionResult> InspectAsync(string imagePath, string audioPath, GenerationParameters parameters, CancellationToken ct = default)
    {
        var inputs = await LoadAndAnalyseAsync(imagePath, audioPath, parameters, timings: null, ct);
        return inputs.Inspection;
    }

    public async Task<GenerationResult> GenerateAsync(GenerationRequest request, IProgress<GenerationProgress>? progress = null, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        var timings = new Dictionary<string, double>();
        progress?.Report(new GenerationProgress(GenerationStage.Loading, 0, 0, clock.Elapsed, null, null));
        var inputs = await LoadAndAnalyseAsync(request.ImagePath, request.AudioPath, request.Parameters, timings, ct, progress, clock);
        var p = request.Parameters;
        var layout = inputs.Inspection.Layout;
        int frameCount = FrameCountFor(inputs.Inspection.VideoSeconds);
        int seed = p.Seed ?? Random.Shared.Next(0, int.MaxValue);

        var stage = Stopwatch.StartNew();
        var controls = BuildControls(inputs.Audio, frameCount);
        var poses = Animator.Animate(controls, new AnimationSettings(
            (float)p.DynamicScale, (float)p.MotionScale, p.AlignMouth, p.SmoothMotion, seed));
        timings[GenerationStage.AnalyzingAudio.ToString()] += stage.Elapsed.TotalSeconds;

        stage.Restart();
        var renderer = new FaceRenderer(inputs.Image, inputs.Inspection.Face.Landmarks, layout, inputs.Inspection.Face.OtherFaces);
        await RenderAndEncodeAsync(request, renderer, poses, layout, progress, clock, ct);
        timings[GenerationStage.Rendering.ToString()] = stage.Elapsed.TotalSeconds;

        var result = new GenerationResult(request.OutputPath, frameCount, GenerationParameters.Fps, layout.Width, layout.Height,
            (double)frameCount / GenerationParameters.Fps, clock.Elapsed.TotalSeconds, seed, inputs.Inspection.Warnings, timings);
        progress?.Report(new GenerationProgress(GenerationStage.Completed, frameCount, frameCount, clock.Elapsed, TimeSpan.Zero, null));
        return result;
    }

    /// <summary>Frames for a video of <paramref name="seconds"/>: rounded to the nearest frame, at least one.</summary>
    public static int FrameCountFor(double seconds) => Math.Max(1, (int)Math.Round(seconds * GenerationParameters.Fps));

    private sealed record LoadedInputs(RgbImage Image, AudioClip Audio, InspectionResult Inspection);

    private async Task<LoadedInputs> LoadAndAnalyseAsync(string imagePath, string audioPath, GenerationParameters p,
        Dictionary<string, double>? timings, CancellationToken ct, IProgress<GenerationProgress>? progress = null, Stopwatch? clock = null)
    {
        ParameterValidator.Validate(p).ThrowIfInvalid();
        var stage = Stopwatch.StartNew();
        var imageTask = ImageLoader.LoadAsync(imagePath, options.Limits, options.Ffmpeg, ct);
        var audioTask = AudioLoader.LoadAsync(audioPath, options.Limits, options.Ffmpeg, ct);
        try { await Task.WhenAll(imageTask, audioTask); }
        catch (Exception) { /* awaited again below, so that an image problem is reported before an audio one */ }
        var image = await imageTask;
        var audio = await audioTask;
        if (timings != null) timings[GenerationStage.Loading.ToString()] = stage.Elapsed.TotalSeconds;

        progress?.Report(new GenerationProgress(GenerationStage.AnalyzingFace, 0, 0, clock!.Elapsed, null, null));
        stage.Restart();
        var face = new FaceAnalyzer(models.FaceDetector, models.LandmarkNet, options.MinFaceSizePixels).Analyze(image);
        if (timings != null) timings[GenerationStage.AnalyzingFace.ToString()] = stage.Elapsed.TotalSeconds;
        ct.ThrowIfCancellationRequested();

        var validation = ParameterValidator.Validate(p, audio.DurationSeconds);
        var warnings = new List<string>(face.Warnings);
        warnings.AddRange(validation.Warnings.Select(w => w.Message));

        double videoSeconds = p.Duration ?? audio.DurationSeconds;
        var layout = Framing.Compute(image.Width, image.Height, face.Face.Box, p.Crop, (float)p.ExpandRatio, p.MinResolution);
        if (p.Crop == CropMode.Face && layout.SourceCrop.Width < layout.Width * 0.5f)
            warnings.Add($"The face area is {layout.SourceCrop.Width:0} px wide and is upscaled to {layout.Width} px; a larger photo would look sharper.");
        double estimate = _estimator.EstimateSeconds(TimeEstimator.BuiltInBackend, videoSeconds, Math.Min(layout.Width, layout.Height), p.InferenceSteps);

        progress?.Report(new GenerationProgress(GenerationStage.AnalyzingAudio, 0, 0, clock!.Elapsed, null, null));
        if (timings != null) timings[GenerationStage.AnalyzingAudio.ToString()] = 0;
        return new LoadedInputs(image, audio, new InspectionResult(image.Width, image.Height, face, audio.DurationSeconds,
            videoSeconds, layout, estimate, warnings));
    }

    private FrameControls BuildControls(AudioClip audio, int frameCount)
    {
        var loudness = LoudnessEnvelope.PerFrame(audio.Samples, audio.SampleRate, GenerationParameters.Fps, frameCount);
        var chunks = models.VoiceActivity.SpeechProbabilities(audio.Samples);
        var voice = SileroVad.PerFrame(chunks, GenerationParameters.Fps, frameCount);
        var visemes = VisemeClassifier.PerFrame(audio.Samples, audio.SampleRate, GenerationParameters.Fps, frameCount);
        return new FrameControls(GenerationParameters.Fps, loudness, voice) { Visemes = visemes };
    }

    /// <summary>
    /// Renders on the calling thread's pool task while a second task feeds ffmpeg, with a few frame
    /// buffers in flight, so rendering and piping overlap and memory stays bounded.
    /// </summary>
    private async Task RenderAndEncodeAsync(GenerationRequest request, FaceRenderer renderer, FacePose[] poses, FrameLayout layout,
        IProgress<GenerationProgress>? progress, Stopwatch clock, CancellationToken ct)
    {
        int frameBytes = layout.Width * layout.Height * 3;
        var free = Channel.CreateBounded<byte[]>(FramesInFlight);
        var filled = Channel.CreateBounded<byte[]>(FramesInFlight);
        for (int i = 0; i < FramesInFlight; i++) free.Writer.TryWrite(new byte[frameBytes]);

        await using var encoder = await VideoEncoder.StartAsync(new VideoEncoderSettings
        {
            Width = layout.Width,
            Height = layout.Height,
            Fps = GenerationParameters.Fps,
            FrameCount = poses.Length,
            AudioPath = request.AudioPath,
            OutputPath = request.OutputPath,
            Preset = options.EncoderPreset,
            Crf = options.EncoderCrf,
            Ffmpeg = options.Ffmpeg,
        }, ct);

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var renderTask = Task.Run(async () =>
        {
            try
            {
                foreach (var pose in poses)
                {
                    var buffer = await free.Reader.ReadAsync(linked.Token);
                    renderer.Render(pose, buffer);
                    await filled.Writer.WriteAsync(buffer, linked.Token);
                }
                filled.Writer.TryComplete();
            }
            catch (Exception e) { filled.Writer.TryComplete(e); throw; }
        }, linked.Token);

        var preview = new PreviewThrottle(options.PreviewInterval, options.PreviewMaxSide);
        int done = 0;
        try
        {
            await foreach (var frame in filled.Reader.ReadAllAsync(linked.Token))
            {
                await encoder.WriteFrameAsync(frame.AsMemory(0, frameBytes), linked.Token);
                done++;
                if (progress != null)
                {
                    var jpeg = preview.TryMake(frame, layout.Width, layout.Height, done == 1);
                    var elapsed = clock.Elapsed;
                    progress.Report(new GenerationProgress(GenerationStage.Rendering, done, poses.Length, elapsed, Remaining(elapsed, done, poses.Length), jpeg));
                }
                free.Writer.TryWrite(frame);
            }
            await renderTask;
        }
        catch
        {
            linked.Cancel();
            try { await renderTask; } catch { /* the first failure is the one to report */ }
            throw;
        }

        progress?.Report(new GenerationProgress(GenerationStage.Finalizing, done, poses.Length, clock.Elapsed, null, null));
        await encoder.CompleteAsync(ct);
    }

    private static TimeSpan? Remaining(TimeSpan elapsed, int done, int total)
        => done < 5 ? null : TimeSpan.FromSeconds(elapsed.TotalSeconds / done * (total - done));
}
