using Microsoft.Extensions.Options;
using SonicWeb.Engine.Backends;
using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Media;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Errors;

namespace SonicWeb.Jobs.Submission;

/// <summary>The chosen photo as the engine will read it (upright), with a small JPEG to show.</summary>
public sealed record PhotoPreview(int Width, int Height, byte[] ThumbnailJpeg);

/// <summary>
/// What the new video page shows about the chosen files before anything is submitted: the photo's size and
/// thumbnail, the recording's length, and the backend's own check of the pair (face found and its box, audio
/// usable, warnings) — the same inspection <see cref="JobSubmission"/> runs, so what the page says is what the
/// submission will answer. The check takes one of <see cref="UploadAdmission"/>'s slots, like a submission's.
/// Refusals are <see cref="InputRejectedException"/>s with the engine's codes and messages.
/// </summary>
public sealed class InputPreview(IOptions<EngineOptions> engine, GenerationBackends backends, UploadAdmission admission)
{
    public const int ThumbnailSide = 480;

    public async Task<PhotoPreview> PhotoAsync(string path, CancellationToken ct)
    {
        try
        {
            var image = await ImageLoader.LoadAsync(path, engine.Value.Limits, ct);
            return new PhotoPreview(image.Width, image.Height, ImageEncoder.JpegThumbnail(image, ThumbnailSide, 85));
        }
        catch (SonicEngineException e) when (e.IsBadInput) { throw InputRejectedException.From(e); }
    }

    /// <summary>The recording's length in seconds as ffprobe reads it (null when the container does not say).</summary>
    public async Task<double?> AudioSecondsAsync(string path, CancellationToken ct)
    {
        try
        {
            var info = await MediaProbe.ProbeAsync(path, new MediaProbeOptions
            {
                Ffmpeg = engine.Value.Ffmpeg,
                FormatWhitelist = MediaProbe.AudioDemuxers,
                FailureCode = EngineErrorCodes.UnsupportedAudio,
            }, ct);
            return info.DurationSeconds ?? info.FirstAudio?.DurationSeconds;
        }
        catch (SonicEngineException e) when (e.IsBadInput) { throw InputRejectedException.From(e); }
    }

    /// <summary>The backend's inspection of the pair: face box, lengths, output size, warnings.</summary>
    public async Task<InspectionResult> CheckAsync(string imagePath, string audioPath, GenerationParameters parameters, string? backend, CancellationToken ct)
    {
        using var slot = await admission.WaitForSlotAsync(ct);
        try { return await (backend is null ? backends.Default : backends.Get(backend)).InspectAsync(imagePath, audioPath, parameters, ct); }
        catch (SonicEngineException e) when (e.IsBadInput) { throw InputRejectedException.From(e); }
    }
}
