using System.Diagnostics;
using System.Threading.Channels;
using SonicWeb.Engine.Animation;
using SonicWeb.Engine.Audio;
using SonicWeb.Engine.Audio.Vad;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Media;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Engine.Rendering;
using SonicWeb.Engine.Scheduling;

namespace SonicWeb.Engine.Backends.BuiltIn;

/// <summary>
/// Photo + voice -> MP4 with the built-in CPU animator: the shared <see cref="InputAnalyser"/> loads and
/// checks the inputs and finds the face, then this backend analyses the voice, animates the face and
/// renders frames straight into the encoder (never holding more than a few frames). Thread-safe: one
/// instance serves many jobs; models are loaded once.
/// </summary>
public sealed partial class BuiltInBackend : IGenerationBackend
{
    public const string Name = TimeEstimator.BuiltInBackend;
    private const int FramesInFlight = 3;
    /// <summary>1 once a job of this process has compiled the render path (see GenerateAsync).</summary>
    private static int s_renderCompiled;

    // Named like the parameters they came from: the render and encode loop below reads them as they were.
    private readonly EngineOptions options;
    private readonly InputAnalyser _analyser;
    private readonly AnalysisModels models;
    private readonly TimeEstimator _estimator;

    public BuiltInBackend(EngineOptions options, InputAnalyser analyser, AnalysisModels models, TimeEstimator estimator)
    {
        this.options = options;
        _analyser = analyser;
        this.models = models;
        _estimator = estimator;
        Description = new BackendDescription(Name, "Built-in CPU animator",
            // inference_steps only matters to diffusion backends; this animator has no steps.
            ParameterCatalog.Names.Where(n => n != ParameterCatalog.InferenceSteps.Name).ToHashSet(),
            new BackendLimits(options.Limits.MaxAudioSeconds, ParameterCatalog.Duration.HardMax,
                (int)ParameterCatalog.MinResolution.HardMin, (int)ParameterCatalog.MinResolution.HardMax),
            TimeEstimator.BuiltInPrior);
    }

    /// <summary>A backend with its own analyser and estimator over already loaded models (tests, tools, benchmarks).</summary>
    public BuiltInBackend(EngineOptions options, AnalysisModels models, TimeEstimator? estimator = null)
        : this(options, new InputAnalyser(options, models), models, estimator ?? new TimeEstimator()) { }

    public BackendDescription Description { get; }

    public EngineOptions Options => options;

    public async Task<InspectionResult> InspectAsync(string imagePath, string audioPath, GenerationParameters parameters, CancellationToken ct = default)
    {
        var inputs = await _analyser.AnalyseAsync(imagePath, audioPath, parameters, ct);
        return Inspection(inputs.Inspection, parameters);
    }

    public async Task<GenerationResult> GenerateAsync(GenerationRequest request, IProgress<GenerationProgress>? progress = null, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        var timings = new Dictionary<string, double>();
        var p = request.Parameters;
        int seed = p.Seed ?? Random.Shared.Next(0, int.MaxValue);
        progress?.Report(new GenerationProgress(GenerationStage.Loading, 0, 0, clock.Elapsed, null, null));

        // The voice's analysis (loudness, VAD, visemes) and the animation need only the audio: they start as soon as
        // it is decoded, on a pool thread, while the face is found on the other core (a quarter to a half of a short
        // job's fixed start; docs/measurements.md "Engine: the job's fixed start").
        Task<FacePose[]>? animation = null;
        AnalysedInputs inputs;
        try
        {
            inputs = await _analyser.AnalyseAsync(request.ImagePath, request.AudioPath, p, ct, timings, progress, clock,
                audio => animation = Task.Run(() => Animate(audio, GenerationParameters.FrameCountFor(p.Duration ?? audio.DurationSeconds), p, seed)));
        }
        catch
        {
            // Not left running (nor its failure unobserved) behind the error this job reports.
            if (animation != null) try { await animation; } catch { /* the analysis error is the one to report */ }
            throw;
        }
        var layout = inputs.Inspection.Layout;
        int frameCount = inputs.Inspection.FrameCount;

        var stage = Stopwatch.StartNew();
        double waitedForAnimation;
        try
        {
            // The encoder starts (ffmpeg opens the audio, x264 sets up) and the renderer precomputes its tables while the
            // animation may still be running; only what is left of it is waited for.
            await using var encoder = await StartEncoderAsync(request, layout, frameCount, ct);
            var renderer = new FaceRenderer(inputs.Image, inputs.Inspection.Face.Landmarks, layout, inputs.Inspection.Face.OtherFaces);
            if (!animation!.IsCompleted && Interlocked.Exchange(ref s_renderCompiled, 1) == 0)
            {
                // The first job of a process compiles the render path (AVX2 samplers and warps, the I420 conversion) on
                // its first frame: 0.1-0.5 s. Done here on a frame that is thrown away, it overlaps the animation's
                // last part instead of delaying the first real frame.
                var pose = new FacePose(0.8f, 0.2f, 0.5f, 0.05f, 0.03f, 0.02f, 0, 0, MouthPress: 0.2f, LipClosure: 0.2f);
                if (options.EncoderInput == RawFrameFormat.Yuv420p) renderer.RenderI420(pose, new byte[renderer.I420FrameBytes]);
                else renderer.Render(pose, new byte[renderer.FrameBytes]);
            }
            var wait = Stopwatch.StartNew();
            var poses = await animation!;
            waitedForAnimation = wait.Elapsed.TotalSeconds;
            if (poses.Length != frameCount)
                throw new InvalidOperationException($"The animation has {poses.Length} frames; the video needs {frameCount}.");
            await RenderAndEncodeAsync(encoder, renderer, poses, layout, progress, clock, ct);
        }
        catch
        {
            // An encoder or renderer failure: the animation is not left running, nor its own failure unobserved.
            try { await animation!; } catch { /* the first error is the one to report */ }
            throw;
        }
        // AnalyzingAudio: only the part of the voice's analysis that the job waited for (the rest overlapped the face's).
        timings[GenerationStage.AnalyzingAudio.ToString()] += waitedForAnimation;
        timings[GenerationStage.Rendering.ToString()] = stage.Elapsed.TotalSeconds - waitedForAnimation;

        var result = new GenerationResult(request.OutputPath, frameCount, GenerationParameters.Fps, layout.Width, layout.Height,
            (double)frameCount / GenerationParameters.Fps, clock.Elapsed.TotalSeconds, seed, inputs.Inspection.Warnings, timings);
        progress?.Report(new GenerationProgress(GenerationStage.Completed, frameCount, frameCount, clock.Elapsed, TimeSpan.Zero, null));
        return result;
    }

    /// <summary>
    /// The shared analysis with this backend's time estimate. (Its limits are the engine's own, already
    /// enforced while the inputs were loaded; a backend with narrower ones calls <see cref="BackendLimits.Enforce"/>.)
    /// </summary>
    private InspectionResult Inspection(InspectionResult analysis, GenerationParameters p) => analysis with
    {
        EstimatedSeconds = _estimator.EstimateSeconds(Name, analysis.VideoSeconds, Math.Min(analysis.Layout.Width, analysis.Layout.Height), p.InferenceSteps),
    };

    /// <summary>The poses a job renders (the quality report writes them beside what it measures on the video).</summary>
    internal FacePose[] Animate(AudioClip audio, int frameCount, GenerationParameters p, int seed)
        => Animator.Animate(BuildControls(audio, frameCount), new AnimationSettings(
            (float)p.DynamicScale, (float)p.MotionScale, p.AlignMouth, p.SmoothMotion, seed));

    private FrameControls BuildControls(AudioClip audio, int frameCount)
    {
        // The spectral analysis (visemes, loudness) and Silero VAD are independent passes over the same samples, each
        // a few hundred ms on a 20 s clip: on two cores side by side (the face analysis, when it still runs, is shorter).
        var spectral = Task.Run(() => (
            Loudness: LoudnessEnvelope.PerFrame(audio.Samples, audio.SampleRate, GenerationParameters.Fps, frameCount),
            Visemes: VisemeClassifier.PerFrame(audio.Samples, audio.SampleRate, GenerationParameters.Fps, frameCount)));
        float[] voice;
        try
        {
            var chunks = models.VoiceActivity.SpeechProbabilities(audio.Samples);
            voice = SileroVad.PerFrame(chunks, GenerationParameters.Fps, frameCount);
        }
        catch
        {
            try { spectral.Wait(); } catch { /* the VAD's error is the one to report */ }
            throw;
        }
        var (loudness, visemes) = spectral.GetAwaiter().GetResult();
        return new FrameControls(GenerationParameters.Fps, loudness, voice) { Visemes = visemes };
    }

    private Task<VideoEncoder> StartEncoderAsync(GenerationRequest request, FrameLayout layout, int frameCount, CancellationToken ct) =>
        VideoEncoder.StartAsync(new VideoEncoderSettings
        {
            Width = layout.Width,
            Height = layout.Height,
            Fps = GenerationParameters.Fps,
            InputFormat = options.EncoderInput,
            FrameCount = frameCount,
            AudioPath = request.AudioPath,
            OutputPath = request.OutputPath,
            Preset = options.EncoderPreset,
            Crf = options.EncoderCrf,
            Ffmpeg = options.Ffmpeg,
            Nice = options.Nice,
        }, ct);

    /// <summary>
    /// Renders on the engine's threads (<see cref="EngineThreads"/>) while this task feeds ffmpeg, with a few frame
    /// buffers in flight, so rendering and piping overlap and memory stays bounded.
    /// </summary>
    private async Task RenderAndEncodeAsync(VideoEncoder encoder, FaceRenderer renderer, FacePose[] poses, FrameLayout layout,
        IProgress<GenerationProgress>? progress, Stopwatch clock, CancellationToken ct)
    {
        var format = options.EncoderInput;
        int frameBytes = format == RawFrameFormat.Yuv420p ? renderer.I420FrameBytes : renderer.FrameBytes;
        var free = Channel.CreateBounded<byte[]>(FramesInFlight);
        var filled = Channel.CreateBounded<byte[]>(FramesInFlight);
        for (int i = 0; i < FramesInFlight; i++) free.Writer.TryWrite(new byte[frameBytes]);

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // On the engine's own lower-priority threads (Engine:Nice): the frames' Parallel.For runs there too.
        var renderTask = EngineThreads.RunAsync(async () =>
        {
            try
            {
                foreach (var pose in poses)
                {
                    var buffer = await free.Reader.ReadAsync(linked.Token);
                    if (format == RawFrameFormat.Yuv420p) renderer.RenderI420(pose, buffer);
                    else renderer.Render(pose, buffer);
                    await filled.Writer.WriteAsync(buffer, linked.Token);
                }
                filled.Writer.TryComplete();
            }
            catch (Exception e) { filled.Writer.TryComplete(e); throw; }
        }, options.Nice, linked.Token);

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
                    var jpeg = format == RawFrameFormat.Yuv420p
                        ? preview.TryMakeFromI420(frame, layout.Width, layout.Height, done == 1)
                        : preview.TryMake(frame, layout.Width, layout.Height, done == 1);
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
