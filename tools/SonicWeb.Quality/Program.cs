using System.Diagnostics;
using System.Globalization;
using System.Text;
using SonicWeb.Engine.Animation;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Media;
using SonicWeb.Engine.Models;
using SonicWeb.Engine.Backends.BuiltIn;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Engine.Quality;
using SonicWeb.Engine.Rendering;
using SonicWeb.Quality;

// Objective quality report: runs the fixed cases through the real pipeline, measures the output MP4s
// and writes a contact sheet per case. Usage: dotnet run -c Release --project tools/SonicWeb.Quality [-- --out DIR] [--case NAME] | [-- --derive-visemes]
// | [-- --poses] | [-- --profile] | [-- --dump-frames DIR] | [-- --compare-frames DIR]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string repoRoot = FindRepoRoot();
string outDir = Path.Combine(repoRoot, "test-artifacts", "quality");
string? only = null;
using var onnx = new SonicWeb.Engine.Onnx.OrtRuntime();
if (args.Contains("--derive-visemes"))
{
    // Prints the numbers of SonicWeb.Engine/Audio/VisemeProfileTable.cs.
    var work = Directory.CreateTempSubdirectory("sonicweb-visemes-").FullName;
    Console.Write(VisemeDerivation.AsCSharp(await VisemeDerivation.DeriveAsync(work)));
    Directory.Delete(work, true);
    return 0;
}
string? dumpDir = ArgValue("--dump-frames"), compareDir = ArgValue("--compare-frames");
if (args.Contains("--poses") || args.Contains("--profile") || dumpDir != null || compareDir != null)
{
    // Close-ups of key poses (--poses) and renderer timing (--profile) on the astronaut at 512 and 1024.
    var opts = new EngineOptions();
    var pipe = new BuiltInBackend(opts, AnalysisModels.Load(ModelStore.Default, onnx, opts.Onnx, w => Console.Error.WriteLine("warning: " + w)));
    // --photo border: the border case's photo (face at the top-left edges), to check the reflection paths.
    var photoPath = new CaseInputs(repoRoot, outDir).Photo(args.Contains("--photo") ? args[Array.IndexOf(args, "--photo") + 1] : "astronaut");
    var photo = await ImageLoader.LoadAsync(photoPath, opts.Limits, CancellationToken.None);
    var probeAudio = Path.Combine(Directory.CreateTempSubdirectory("sonicweb-poses-").FullName, "tone.wav");
    File.WriteAllBytes(probeAudio, SilentWav(16000));
    int[] resolutions = dumpDir != null || compareDir != null ? FrameDump.Resolutions : args.Contains("--poses") ? [256, 512, 1024] : [512, 1024];
    foreach (int resolution in resolutions)
    {
        var insp = await pipe.InspectAsync(photoPath, probeAudio, new GenerationParameters { MinResolution = resolution });
        if (dumpDir != null) FrameDump.Dump(photo, insp.Face.Landmarks, insp.Layout, dumpDir);
        if (compareDir != null) Console.WriteLine(FrameDump.Compare(photo, insp.Face.Landmarks, insp.Layout, compareDir));
        if (args.Contains("--poses"))
        {
            string dir = Path.Combine(outDir, "poses-" + resolution);
            PoseCloseUps.Write(photo, insp.Face.Landmarks, insp.Layout, dir, zoom: resolution >= 1024 ? 3 : resolution >= 512 ? 5 : 8);
            Console.WriteLine($"close-ups in {dir}");
        }
        if (args.Contains("--profile"))
        {
            Console.WriteLine(RenderProfile.Run(photo, insp.Face.Landmarks, insp.Layout));
            Console.WriteLine(RenderProfile.Breakdown(photo, insp.Face.Landmarks, insp.Layout));
        }
    }
    return 0;
}
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--out" && i + 1 < args.Length) outDir = Path.GetFullPath(args[++i]);
    else if (args[i] == "--case" && i + 1 < args.Length) only = args[++i];
    else { Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: [--out DIR] [--case NAME]"); return 2; }
}
Directory.CreateDirectory(outDir);
var inputs = new CaseInputs(repoRoot, outDir);
var options = new EngineOptions();
var pipeline = new BuiltInBackend(options, AnalysisModels.Load(ModelStore.Default, onnx, options.Onnx, w => Console.Error.WriteLine("warning: " + w)));

var table = new StringBuilder();
table.AppendLine("| case | frames | render fps | corr | corr@0 | best lag | silence/speech | corners diff (mean/max) | forehead diff (mean/max) | black border |");
table.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
bool allMet = true;
foreach (var c in QualityCase.All.Where(c => only == null || c.Name == only))
{
    string image = inputs.Photo(c.Photo), audio = inputs.Voice(c.Voice);
    string video = Path.Combine(outDir, c.Name + ".mp4");
    var parameters = new GenerationParameters { MinResolution = c.Resolution, MotionScale = c.MotionScale, Seed = 7 };
    var inspection = await pipeline.InspectAsync(image, audio, parameters);
    var clock = Stopwatch.StartNew();
    var result = await pipeline.GenerateAsync(new GenerationRequest(image, audio, video, parameters));
    double fps = result.Frames / clock.Elapsed.TotalSeconds;
    var clip = await AudioLoader.LoadAsync(audio, options.Limits, options.Ffmpeg, CancellationToken.None);
    // The photo framed as the video but not animated: the reference for "black beyond the photo's own".
    var still = Still(await ImageLoader.LoadAsync(image, options.Limits, CancellationToken.None), inspection);
    var report = await VideoQualityAnalyzer.AnalyseAsync(video, inspection.Face.Landmarks, inspection.Layout, clip,
        GenerationParameters.Fps, sheetEvery: 6, still);
    File.WriteAllBytes(Path.Combine(outDir, c.Name + "-sheet.png"), ImageEncoder.Png(report.Sheet));
    File.WriteAllBytes(Path.Combine(outDir, c.Name + "-mouth.png"), ImageEncoder.Png(report.MouthSheet));
    File.WriteAllText(Path.Combine(outDir, c.Name + "-curves.csv"),
        "frame,loudness,opening,opening_width\n" + string.Join("\n", Enumerable.Range(0, report.Frames).Select(i =>
            $"{i},{report.Loudness[i]:0.000},{report.Opening[i]:0.0000},{report.OpeningWidth[i]:0.000}")));

    var s = report.Sync;
    bool met = s.Correlation >= 0.6 && Math.Abs(s.BestLagMs) <= 80 && s.SilenceShare < 0.15 && report.BlackBorderShare < 0.01;
    allMet &= met;
    string row = $"| {c.Name} | {report.Frames} | {fps:0.0} | {s.Correlation:0.00} | {s.ZeroLagCorrelation:0.00} | {s.BestLagFrames:+0;-0;0} fr ({s.BestLagMs:+0;-0;0} ms) | " +
                 $"{s.SilenceShare * 100:0.0}% ({s.SilenceFrames}/{s.SpeechFrames} fr) | {report.CornersMeanDiff:0.00}/{report.CornersMaxDiff:0.00} | " +
                 $"{report.ForeheadMeanDiff:0.00}/{report.ForeheadMaxDiff:0.00} | {report.BlackBorderShare * 100:0.0}% |";
    table.AppendLine(row);
    Console.WriteLine($"{c.Name}: {(met ? "targets met" : "TARGETS MISSED")}  {row}");
}
Console.WriteLine();
Console.WriteLine("Targets: corr >= 0.60, |best lag| <= 80 ms (positive = mouth leads), silence/speech < 15%, no black border.");
Console.WriteLine("Diffs are mean |luma(t) - luma(t-1)| in 8-bit levels.");
Console.WriteLine(table);
File.WriteAllText(Path.Combine(outDir, "report.md"), table.ToString());
Console.WriteLine($"Videos, contact sheets (*-sheet.png, *-mouth.png) and curves in {outDir}");
return allMet ? 0 : 1;

string? ArgValue(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? Path.GetFullPath(args[i + 1]) : null;
}

static RgbImage Still(RgbImage photo, InspectionResult inspection)
{
    var renderer = new FaceRenderer(photo, inspection.Face.Landmarks, inspection.Layout);
    var frame = new RgbImage(renderer.Width, renderer.Height);
    renderer.Render(FacePose.Neutral, frame.Pixels);
    return frame;
}

// One second of 16 kHz mono silence as a WAV file (inspection needs some audio).
static byte[] SilentWav(int samples)
{
    using var ms = new MemoryStream();
    using var w = new BinaryWriter(ms);
    w.Write("RIFF"u8); w.Write(36 + samples * 2); w.Write("WAVE"u8);
    w.Write("fmt "u8); w.Write(16); w.Write((short)1); w.Write((short)1); w.Write(16000); w.Write(32000); w.Write((short)2); w.Write((short)16);
    w.Write("data"u8); w.Write(samples * 2); w.Write(new byte[samples * 2]);
    w.Flush();
    return ms.ToArray();
}

static string FindRepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "SonicWeb.sln"))) return dir.FullName;
    throw new InvalidOperationException("SonicWeb.sln not found above " + AppContext.BaseDirectory);
}
