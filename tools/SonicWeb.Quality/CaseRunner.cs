using System.Diagnostics;
using SonicWeb.Engine.Animation;
using SonicWeb.Engine.Backends.BuiltIn;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Media;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Engine.Quality;
using SonicWeb.Engine.Rendering;

namespace SonicWeb.Quality;

/// <summary>Generates one case's video with the real pipeline and measures the decoded MP4.</summary>
internal static class CaseRunner
{
    /// <param name="reuse">Measure the MP4 already in <paramref name="outDir"/> when there is one (to re-measure
    /// after a change to the meters without generating again); its render fps is then NaN.</param>
    public static async Task<CaseResult> RunAsync(QualityCase c, CaseInputs inputs, BuiltInBackend pipeline, EngineOptions options, string outDir, bool reuse = false)
    {
        string image = inputs.Photo(c.Photo), audio = inputs.Voice(c.Voice);
        string video = Path.Combine(outDir, c.Name + ".mp4");
        var parameters = new GenerationParameters { MinResolution = c.Resolution, MotionScale = c.MotionScale, Seed = 7 };
        var inspection = await pipeline.InspectAsync(image, audio, parameters);
        double fps = double.NaN;
        if (!(reuse && File.Exists(video)))
        {
            var clock = Stopwatch.StartNew();
            var result = await pipeline.GenerateAsync(new GenerationRequest(image, audio, video, parameters));
            fps = result.Frames / clock.Elapsed.TotalSeconds;
        }
        var clip = await AudioLoader.LoadAsync(audio, options.Limits, options.Ffmpeg, CancellationToken.None);
        // What the renderer was asked for (same audio, same seed): separates the animator from the meters.
        var poses = pipeline.Animate(clip, inspection.FrameCount, parameters, parameters.Seed!.Value);
        // The photo framed as the video but not animated: the reference for "black beyond the photo's own".
        var still = Still(await ImageLoader.LoadAsync(image, options.Limits, CancellationToken.None), inspection);
        // Kept beside the video: the reference the jaw and the black border are measured against.
        File.WriteAllBytes(Path.Combine(outDir, c.Name + "-still.png"), ImageEncoder.Png(still));
        var report = await VideoQualityAnalyzer.AnalyseAsync(video, inspection.Face.Landmarks, inspection.Layout, clip,
            GenerationParameters.Fps, sheetEvery: 6, still);
        var phonemes = inputs.Phonemes(c.Voice);
        var closure = phonemes == null ? null : ClosureStatistics.Compute(report.JawOpening, GenerationParameters.Fps, phonemes);
        var cavityClosure = phonemes == null ? null : ClosureStatistics.Compute(report.Opening, GenerationParameters.Fps, phonemes);
        if (phonemes != null)
            File.WriteAllText(Path.Combine(outDir, c.Name + "-phonemes.csv"), "phoneme,start_s,end_s,bilabial,vowel\n" +
                string.Join("\n", phonemes.Select(p => $"{p.Name},{p.Start:0.000},{p.End:0.000},{(p.IsBilabial ? 1 : 0)},{(p.IsVowel ? 1 : 0)}")));
        File.WriteAllText(Path.Combine(outDir, c.Name + "-curves.csv"),
            "frame,loudness,pause,speech,opening,opening_width,jaw_drop,pose_open,pose_closure\n" + string.Join("\n", Enumerable.Range(0, report.Frames).Select(i =>
                $"{i},{report.Loudness[i]:0.000},{(report.Speech.Pause[i] ? 1 : 0)},{(report.Speech.Speech[i] ? 1 : 0)},{report.Opening[i]:0.0000},{report.OpeningWidth[i]:0.000},{report.JawOpening[i]:0.0000}," +
                (i < poses.Length ? $"{poses[i].MouthOpen:0.0000},{poses[i].LipClosure:0.0000}" : ","))));
        return new CaseResult(c, fps, report, closure, cavityClosure, inspection.Face.FacesFound);
    }

    public static void WriteSheets(CaseResult r, string outDir)
    {
        File.WriteAllBytes(Path.Combine(outDir, r.Case.Name + "-sheet.png"), ImageEncoder.Png(r.Report.Sheet));
        File.WriteAllBytes(Path.Combine(outDir, r.Case.Name + "-mouth.png"), ImageEncoder.Png(r.Report.MouthSheet));
    }

    private static RgbImage Still(RgbImage photo, InspectionResult inspection)
    {
        var renderer = new FaceRenderer(photo, inspection.Face.Landmarks, inspection.Layout, inspection.Face.OtherFaces);
        var frame = new RgbImage(renderer.Width, renderer.Height);
        renderer.Render(FacePose.Neutral, frame.Pixels);
        return frame;
    }
}
