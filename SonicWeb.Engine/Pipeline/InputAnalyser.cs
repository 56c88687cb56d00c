using System.Diagnostics;
using SonicWeb.Engine.Audio;
using SonicWeb.Engine.Faces;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Media;
using SonicWeb.Engine.Rendering;

namespace SonicWeb.Engine.Pipeline;

/// <summary>
/// The decoded inputs (photo as RGB, audio at 16 kHz) with what was learnt from them: the face, the audio's
/// length, the framing and the warnings. <see cref="InspectionResult.EstimatedSeconds"/> is 0 here: each
/// backend adds its own estimate (<c>Inspection with { EstimatedSeconds = ... }</c>).
/// </summary>
public sealed record AnalysedInputs(RgbImage Image, AudioClip Audio, InspectionResult Inspection);

/// <summary>
/// The checks and analysis every generation backend shares, so a photo without a usable face or an
/// audio over the limit is refused the same way whichever backend would make the video: parameters
/// against their hard limits, photo and audio loaded in parallel (type by content, size and length
/// limits), face detection and landmarks, and the framing (crop and output size). Thread-safe.
/// </summary>
public sealed class InputAnalyser(EngineOptions options, AnalysisModels models)
{
    public EngineOptions Options => options;

    /// <summary>
    /// Loads and analyses both inputs. When <paramref name="timings"/> is given, the seconds spent per
    /// stage are added to it; when <paramref name="progress"/> is given, stage changes are reported against
    /// <paramref name="clock"/>. <paramref name="audioLoaded"/> is called with the decoded audio as soon as it is
    /// there (on whichever thread finished loading it), before the face analysis ends: a backend starts its own
    /// audio analysis from it, on the other core, while the face is found.
    /// </summary>
    public async Task<AnalysedInputs> AnalyseAsync(string imagePath, string audioPath, GenerationParameters p, CancellationToken ct,
        Dictionary<string, double>? timings = null, IProgress<GenerationProgress>? progress = null, Stopwatch? clock = null,
        Action<AudioClip>? audioLoaded = null)
    {
        ParameterValidator.Validate(p).ThrowIfInvalid();
        clock ??= Stopwatch.StartNew();
        var stage = Stopwatch.StartNew();
        var imageTask = ImageLoader.LoadAsync(imagePath, options.Limits, ct);
        var audioTask = LoadAudioAsync(audioPath, audioLoaded, ct);
        // The face is looked for as soon as the photo is decoded, while ffmpeg still decodes the audio (and the
        // backend's audio analysis may run beside it); its errors are still reported after the loading ones.
        var faceTask = AnalyseFaceAsync(imageTask, ct);
        try { await Task.WhenAll(imageTask, audioTask).ConfigureAwait(false); }
        catch (Exception) { /* awaited again below, so that an image problem is reported before an audio one */ }
        RgbImage image;
        AudioClip audio;
        try
        {
            image = await imageTask.ConfigureAwait(false);
            audio = await audioTask.ConfigureAwait(false);
        }
        catch
        {
            try { await faceTask.ConfigureAwait(false); } catch { /* the loading error is the one to report */ }
            throw;
        }
        if (timings != null) timings[GenerationStage.Loading.ToString()] = stage.Elapsed.TotalSeconds;

        progress?.Report(new GenerationProgress(GenerationStage.AnalyzingFace, 0, 0, clock.Elapsed, null, null));
        stage.Restart();
        // What is left of the face analysis once both inputs are loaded (it started with the photo).
        var face = await faceTask.ConfigureAwait(false);
        if (timings != null) timings[GenerationStage.AnalyzingFace.ToString()] = stage.Elapsed.TotalSeconds;
        ct.ThrowIfCancellationRequested();

        var validation = ParameterValidator.Validate(p, audio.DurationSeconds);
        var warnings = new List<string>(face.Warnings);
        warnings.AddRange(validation.Warnings.Select(w => w.Message));

        double videoSeconds = p.Duration ?? audio.DurationSeconds;
        var layout = Framing.Compute(image.Width, image.Height, face.Face.Box, p.Crop, (float)p.ExpandRatio, p.MinResolution);
        if (p.Crop == CropMode.Face && layout.SourceCrop.Width < layout.Width * 0.5f)
            warnings.Add($"The face area is {layout.SourceCrop.Width:0} px wide and is upscaled to {layout.Width} px; a larger photo would look sharper.");

        progress?.Report(new GenerationProgress(GenerationStage.AnalyzingAudio, 0, 0, clock.Elapsed, null, null));
        if (timings != null) timings[GenerationStage.AnalyzingAudio.ToString()] = 0;
        return new AnalysedInputs(image, audio, new InspectionResult(image.Width, image.Height, face, audio.DurationSeconds, videoSeconds, layout,
            EstimatedSeconds: 0, warnings));
    }

    private async Task<FaceAnalysis> AnalyseFaceAsync(Task<RgbImage> imageTask, CancellationToken ct)
    {
        var image = await imageTask.ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        // On a pool thread: the image loader may have finished on the caller's.
        return await Task.Run(() => new FaceAnalyzer(models.FaceDetector, models.LandmarkNet, options.MinFaceSizePixels).Analyze(image), ct)
            .ConfigureAwait(false);
    }

    private async Task<AudioClip> LoadAudioAsync(string audioPath, Action<AudioClip>? loaded, CancellationToken ct)
    {
        var audio = await AudioLoader.LoadAsync(audioPath, options.Limits, options.Ffmpeg, ct).ConfigureAwait(false);
        loaded?.Invoke(audio);
        return audio;
    }
}
