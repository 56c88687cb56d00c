using System.Diagnostics;
using SonicWeb.Engine.Backends;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Media;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Engine.Rendering;

namespace SonicWeb.Tests.TestSupport;

/// <summary>
/// A generation backend for the web tests whose subject is not the engine (accounts, batches, emails,
/// reviews, the queue): it checks and frames the inputs through the same <see cref="InputAnalyser"/> as
/// every backend, so a photo without a face or a too long recording is refused as for real, but instead
/// of analysing the inputs again and animating a face it encodes flat grey frames with x264 ultrafast. The video still has the size,
/// the frame count, the duration and the audio that the real backend would give, and progress events
/// with previews arrive as they would, in a fraction of the time.
/// <para>
/// <see cref="SecondsPerVideoSecond"/> slows it down for tests that act while a job runs (cancel it,
/// stop the app, queue another behind it): 0 (the default) is as fast as ffmpeg encodes.
/// </para>
/// Registered under <see cref="Name"/> by <c>WebTestHost</c>, which makes it the default backend unless
/// a test asks for the real one.
/// </summary>
public sealed class FakeBackend(InputAnalyser analyser, TimeEstimator estimator, EngineOptions options, double secondsPerVideoSecond) : IGenerationBackend
{
    public const string Name = "fake";

    /// <summary>The setting (in the test host's configuration) that paces it.</summary>
    public const string PaceSetting = "FakeBackend:SecondsPerVideoSecond";

    private static readonly TimeSpan PreviewInterval = TimeSpan.FromMilliseconds(500);
    private const int PreviewSide = 64;

    public double SecondsPerVideoSecond { get; } = secondsPerVideoSecond;

    public BackendDescription Description { get; } = new(Name, "Test stand-in: flat frames, real checks",
        ParameterCatalog.Names.ToHashSet(), new BackendLimits(options.Limits.MaxAudioSeconds, ParameterCatalog.Duration.HardMax,
            (int)ParameterCatalog.MinResolution.HardMin, (int)ParameterCatalog.MinResolution.HardMax),
        new CostModel(OverheadSeconds: 0.3, SecondsPerWorkUnit: 0.05, StepExponent: 0));

    public async Task<InspectionResult> InspectAsync(string imagePath, string audioPath, GenerationParameters parameters, CancellationToken ct = default)
    {
        var inputs = await analyser.AnalyseAsync(imagePath, audioPath, parameters, ct);
        return Inspection(inputs.Inspection, parameters);
    }

    public async Task<PreviewResult> RenderPreviewAsync(string imagePath, string audioPath, GenerationParameters parameters, CancellationToken ct = default)
    {
        var inputs = await analyser.AnalyseAsync(imagePath, audioPath, parameters, ct);
        var layout = inputs.Inspection.Layout;
        return new PreviewResult(Inspection(inputs.Inspection, parameters), Grey(layout.Width, layout.Height), layout.Width, layout.Height);
    }

    public async Task<GenerationResult> GenerateAsync(GenerationRequest request, IProgress<GenerationProgress>? progress = null, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        progress?.Report(new GenerationProgress(GenerationStage.Loading, 0, 0, clock.Elapsed, null, null));
        var (layout, videoSeconds, warnings) = await PlanAsync(request, progress, clock, ct);
        int frames = GenerationParameters.FrameCountFor(videoSeconds);
        var frame = new byte[layout.Width * layout.Height * 3];
        Array.Fill(frame, (byte)128);
        var preview = Grey(PreviewSide, PreviewSide);
        var perFrame = TimeSpan.FromSeconds(SecondsPerVideoSecond / GenerationParameters.Fps);

        var rendering = Stopwatch.StartNew();
        await using (var encoder = await VideoEncoder.StartAsync(new VideoEncoderSettings
        {
            Width = layout.Width,
            Height = layout.Height,
            FrameCount = frames,
            AudioPath = request.AudioPath,
            OutputPath = request.OutputPath,
            Preset = "ultrafast",
            Ffmpeg = options.Ffmpeg,
        }, ct))
        {
            TimeSpan? lastPreview = null;
            for (int done = 1; done <= frames; done++)
            {
                await encoder.WriteFrameAsync(frame, ct);
                if (perFrame > TimeSpan.Zero) await Task.Delay(perFrame, ct);
                var elapsed = clock.Elapsed;
                bool withPreview = lastPreview is not { } last || elapsed - last >= PreviewInterval;
                if (withPreview) lastPreview = elapsed;
                progress?.Report(new GenerationProgress(GenerationStage.Rendering, done, frames, elapsed, null, withPreview ? preview : null));
            }
            progress?.Report(new GenerationProgress(GenerationStage.Finalizing, frames, frames, clock.Elapsed, null, null));
            await encoder.CompleteAsync(ct);
        }
        var stages = new Dictionary<string, double> { [GenerationStage.Rendering.ToString()] = rendering.Elapsed.TotalSeconds };
        progress?.Report(new GenerationProgress(GenerationStage.Completed, frames, frames, clock.Elapsed, TimeSpan.Zero, null));
        return new GenerationResult(request.OutputPath, frames, GenerationParameters.Fps, layout.Width, layout.Height,
            (double)frames / GenerationParameters.Fps, clock.Elapsed.TotalSeconds, request.Parameters.Seed ?? 0, warnings, stages);
    }

    /// <summary>
    /// The video's framing, length and warnings. The inputs passed their check when the job was submitted,
    /// so the usual square around the face needs only the audio's length (one ffprobe); the whole-photo crop
    /// takes its size from the photo and goes through the analyser.
    /// </summary>
    private async Task<(FrameLayout Layout, double VideoSeconds, IReadOnlyList<string> Warnings)> PlanAsync(
        GenerationRequest request, IProgress<GenerationProgress>? progress, Stopwatch clock, CancellationToken ct)
    {
        var p = request.Parameters;
        if (p.Crop != CropMode.Face)
        {
            var inputs = await analyser.AnalyseAsync(request.ImagePath, request.AudioPath, p, ct, progress: progress, clock: clock);
            return (inputs.Inspection.Layout, inputs.Inspection.VideoSeconds, inputs.Inspection.Warnings);
        }
        var audio = await MediaProbe.ProbeAsync(request.AudioPath, new MediaProbeOptions { Ffmpeg = options.Ffmpeg, FormatWhitelist = MediaProbe.AudioDemuxers }, ct);
        double audioSeconds = audio.DurationSeconds ?? audio.FirstAudio?.DurationSeconds ?? 0;
        // In face mode the output is a square of min_resolution whatever the face box: any box gives the size.
        var layout = Framing.Compute(p.MinResolution, p.MinResolution, new RectF(0, 0, 1, 1), CropMode.Face, (float)p.ExpandRatio, p.MinResolution);
        return (layout, p.Duration ?? audioSeconds, ParameterValidator.Validate(p, audioSeconds).Warnings.Select(w => w.Message).ToList());
    }

    private InspectionResult Inspection(InspectionResult analysis, GenerationParameters p) => analysis with
    {
        EstimatedSeconds = estimator.EstimateSeconds(Name, analysis.VideoSeconds, Math.Min(analysis.Layout.Width, analysis.Layout.Height), p.InferenceSteps),
    };

    private static byte[] Grey(int width, int height)
    {
        var image = new RgbImage(width, height);
        Array.Fill(image.Pixels, (byte)128);
        return ImageEncoder.Jpeg(image, 85);
    }
}
