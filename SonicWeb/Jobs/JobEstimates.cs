using Microsoft.Extensions.Options;
using SonicWeb.Engine.Backends;
using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Media;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Engine.Rendering;
using SonicWeb.Errors;
using SonicWeb.Jobs.Running;

namespace SonicWeb.Jobs;

/// <summary>How long a video would take before it is submitted: the answer of the REST API and of the new video form.</summary>
public sealed record EstimateResult(
    double EstimateSeconds,
    double VideoSeconds,
    int Width,
    int Height,
    string Backend,
    int JobsAhead,
    double WatchdogSeconds);

/// <summary>
/// What to estimate: the parameters and the audio's length, from <paramref name="AudioSeconds"/> (cheap:
/// the browser knows it) or by probing <paramref name="AudioPath"/>; the photo (<paramref name="ImagePath"/>)
/// only matters for the "full" crop, whose output keeps the photo's aspect.
/// </summary>
public sealed record EstimateRequest(GenerationParameters Parameters, double? AudioSeconds = null, string? AudioPath = null, string? ImagePath = null, string? Backend = null);

/// <summary>
/// Estimates a video's generation time with the backend's fitted cost model, the output size the
/// framing will give, the jobs ahead in the queue and the watchdog limit the job would get.
/// </summary>
public sealed class JobEstimates(EstimatorService estimator, JobQueries queries, GenerationBackends backends, IOptions<EngineOptions> engine, IOptions<JobOptions> jobs)
{
    public async Task<EstimateResult> EstimateAsync(EstimateRequest r, CancellationToken ct)
    {
        var p = r.Parameters;
        double? audioSeconds = null;
        if (r.AudioPath is { } audio)
        {
            var info = await MediaProbe.ProbeAsync(audio, new MediaProbeOptions
            {
                Ffmpeg = engine.Value.Ffmpeg,
                FormatWhitelist = MediaProbe.AudioDemuxers,
                FailureCode = EngineErrorCodes.UnsupportedAudio,
            }, ct);
            audioSeconds = info.DurationSeconds ?? info.FirstAudio?.DurationSeconds;
        }
        audioSeconds ??= r.AudioSeconds;
        double videoSeconds = p.Duration ?? audioSeconds
            ?? throw InputRejectedException.Field("audio_seconds", "Give the audio length: an 'audio' file, 'audio_seconds' or 'duration'.");

        int width = RoundTo16(p.MinResolution), height = width;
        if (p.Crop == CropMode.Full && r.ImagePath is { } image && ImageFormats.ReadHeader(await File.ReadAllBytesAsync(image, ct)) is { } header)
        {
            double aspect = (double)Math.Max(header.Width, header.Height) / Math.Min(header.Width, header.Height);
            int longSide = RoundTo16((int)Math.Round(p.MinResolution * aspect));
            (width, height) = header.Width >= header.Height ? (longSide, width) : (width, longSide);
        }

        var backend = (r.Backend is null ? backends.Default : backends.Get(r.Backend)).Description.Name;
        var seconds = estimator.Estimate(backend, videoSeconds, Math.Min(width, height), p.InferenceSteps);
        int ahead = await queries.QueuedCountAsync(ct);
        return new EstimateResult(Math.Round(seconds, 1), Math.Round(videoSeconds, 2), width, height, backend, ahead,
            Math.Round(jobs.Value.WatchdogLimit(seconds).TotalSeconds));
    }

    private static int RoundTo16(int v) => Math.Max(16, (int)Math.Round(v / 16.0) * 16);
}
