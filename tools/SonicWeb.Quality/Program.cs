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

// Objective quality report: runs the espeak cases and the real-use set (photo x voice) through the real
// pipeline, measures the output MP4s against the targets and writes contact sheets (espeak cases and the
// three worst real-use cases). Usage: dotnet run -c Release --project tools/SonicWeb.Quality [-- --out DIR]
// [--case TEXT] [--set all|espeak|real] [--all-pairs] [--resolution N] [--sheets] [--reuse] | [-- --derive-visemes]
// | [-- --poses [--photo NAME|PATH]] | [-- --mouth-facts [--photo NAME|PATH]] | [-- --corners] | [-- --profile] | [-- --dump-frames DIR] | [-- --compare-frames DIR]
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
if (args.Contains("--mouth-facts"))
{
    // What the renderer decided about each photo's mouth (teeth, parted lips, its own cavity), photo by photo.
    var opts = new EngineOptions();
    var pipe = new BuiltInBackend(opts, AnalysisModels.Load(ModelStore.Default, onnx, opts.Onnx, w => Console.Error.WriteLine("warning: " + w)));
    var photos = new CaseInputs(repoRoot, outDir);
    var probeAudio = Path.Combine(Directory.CreateTempSubdirectory("sonicweb-mouth-").FullName, "tone.wav");
    File.WriteAllBytes(probeAudio, SilentWav(16000));
    var names = args.Contains("--photo") ? [args[Array.IndexOf(args, "--photo") + 1]] : QualitySet.Portraits.Select(p => p.Name).Prepend("astronaut").ToArray();
    foreach (var name in names)
    {
        var path = photos.Photo(name);
        var photo = await ImageLoader.LoadAsync(path, opts.Limits, CancellationToken.None);
        var insp = await pipe.InspectAsync(path, probeAudio, new GenerationParameters { MinResolution = 512 });
        Console.WriteLine($"{name,-32} {MouthFacts(photo, insp.Face.Landmarks)}");
    }
    return 0;
}
string? dumpDir = ArgValue("--dump-frames"), compareDir = ArgValue("--compare-frames");
if (args.Contains("--poses") || args.Contains("--corners") || args.Contains("--profile") || dumpDir != null || compareDir != null)
{
    // Close-ups of key poses (--poses) or of the mouth corners (--corners) and renderer timing (--profile), on the
    // astronaut unless --photo names one.
    var opts = new EngineOptions();
    var pipe = new BuiltInBackend(opts, AnalysisModels.Load(ModelStore.Default, onnx, opts.Onnx, w => Console.Error.WriteLine("warning: " + w)));
    // --photo border: the border case's photo (face at the top-left edges), to check the reflection paths.
    // --photo PATH: a photo file outside the set; its close-ups are named after the file.
    string photoArg = args.Contains("--photo") ? args[Array.IndexOf(args, "--photo") + 1] : "astronaut";
    var photoPath = new CaseInputs(repoRoot, outDir).Photo(photoArg);
    string photoName = File.Exists(photoArg) ? Path.GetFileNameWithoutExtension(photoArg) : photoArg;
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
            string dir = Path.Combine(outDir, (photoName == "astronaut" ? "" : photoName + "-") + "poses-" + resolution);
            PoseCloseUps.Write(photo, insp.Face.Landmarks, insp.Layout, dir, zoom: resolution >= 1024 ? 3 : resolution >= 512 ? 5 : 8);
            Console.WriteLine($"close-ups in {dir}");
            if (resolution == resolutions[0]) Console.WriteLine(MouthFacts(photo, insp.Face.Landmarks));
        }
        if (args.Contains("--corners") && resolution >= 512)
        {
            string dir = Path.Combine(outDir, photoName + "-corners-" + resolution);
            CornerCloseUps.Write(photo, insp.Face.Landmarks, insp.Layout, dir, zoom: resolution >= 1024 ? 6 : 8);
            Console.WriteLine($"corner close-ups in {dir}");
        }
        if (args.Contains("--profile"))
        {
            Console.WriteLine(RenderProfile.Run(photo, insp.Face.Landmarks, insp.Layout));
            Console.WriteLine(RenderProfile.Breakdown(photo, insp.Face.Landmarks, insp.Layout));
        }
    }
    return 0;
}
bool allPairs = false, sheetsForAll = false, reuse = false; string set = "all"; int realResolution = 512;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--out" && i + 1 < args.Length) outDir = Path.GetFullPath(args[++i]);
    else if (args[i] == "--case" && i + 1 < args.Length) only = args[++i];
    else if (args[i] == "--all-pairs") allPairs = true;
    else if (args[i] == "--set" && i + 1 < args.Length) set = args[++i];
    else if (args[i] == "--resolution" && i + 1 < args.Length) realResolution = int.Parse(args[++i], CultureInfo.InvariantCulture);
    else if (args[i] == "--sheets") sheetsForAll = true;
    else if (args[i] == "--reuse") reuse = true;
    else { Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: [--out DIR] [--case TEXT] [--set all|espeak|real] [--all-pairs] [--resolution N] [--sheets] [--reuse]"); return 2; }
}
Directory.CreateDirectory(outDir);
var inputs = new CaseInputs(repoRoot, outDir);
var options = new EngineOptions();
var pipeline = new BuiltInBackend(options, AnalysisModels.Load(ModelStore.Default, onnx, options.Onnx, w => Console.Error.WriteLine("warning: " + w)));

var cases = (set is "all" or "espeak" ? QualityCase.Espeak : [])
    .Concat(set is "all" or "real" ? QualityCase.RealUse(allPairs, realResolution) : [])
    .Where(c => only == null || c.Name.Contains(only, StringComparison.Ordinal)).ToList();
var results = new List<CaseResult>();
foreach (var c in cases)
{
    var result = await CaseRunner.RunAsync(c, inputs, pipeline, options, outDir, reuse);
    results.Add(result);
    Console.WriteLine($"{results.Count}/{cases.Count} {c.Name}: {(result.Met ? "targets met" : "TARGETS MISSED")}  " +
                      string.Join(", ", result.Measures().Select(m => $"{m.Name} {m.Value:0.000}")));
    if (sheetsForAll || c.IsEspeak) CaseRunner.WriteSheets(result, outDir);
}
// Contact sheets of the three cases furthest from their targets (whatever they missed).
var worstThree = results.Where(r => !r.Case.IsEspeak).OrderByDescending(r => r.Badness).Take(3).ToList();
foreach (var r in worstThree) CaseRunner.WriteSheets(r, outDir);

var report = new StringBuilder();
report.AppendLine("## Cases").AppendLine().Append(ReportTable.Cases(results)).AppendLine();
report.AppendLine("\\* whole GenerateAsync (load, analysis, render, encode) frames / wall seconds; the benchmark is the reference for speed.").AppendLine();
foreach (var (title, group) in new[] { ("Real-use set", results.Where(r => !r.Case.IsEspeak).ToList()), ("espeak cases", results.Where(r => r.Case.IsEspeak).ToList()), ("Everything", results) })
    if (group.Count > 0)
        report.AppendLine($"## {title}: worst and median ({group.Count} cases)").AppendLine().Append(ReportTable.Summary(group)).AppendLine()
            .AppendLine("The same on the cavity measure (reported, not judged):").AppendLine().Append(ReportTable.Summary(group, r => r.CavityMeasures())).AppendLine();
report.AppendLine("Contact sheets of the three real-use cases furthest from their targets: " + string.Join(", ", worstThree.Select(r => $"{r.Case.Name} ({r.Badness:0.00} x target)")));
Console.WriteLine();
Console.WriteLine(report);
File.WriteAllText(Path.Combine(outDir, "report.md"), report.ToString());
Console.WriteLine($"Videos, contact sheets (*-sheet.png, *-mouth.png) and curves in {outDir}");
return results.All(r => r.Met) ? 0 : 1;

string? ArgValue(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? Path.GetFullPath(args[i + 1]) : null;
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

static string MouthFacts(RgbImage photo, SonicWeb.Engine.Faces.FaceLandmarks landmarks)
{
    bool teeth = MouthWarp.DetectTeeth(photo, landmarks);
    return $"teeth in the photo: {teeth}; {new MouthWarp(landmarks, teeth, photo).Describe()}";
}

string FindRepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "SonicWeb.sln"))) return dir.FullName;
    throw new InvalidOperationException("SonicWeb.sln not found above " + AppContext.BaseDirectory);
}
