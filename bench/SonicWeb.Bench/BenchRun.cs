using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace SonicWeb.Bench;

/// <summary>Figures of one output resolution: the pipeline and its two separate halves.</summary>
public sealed record ResolutionFigures(CaseResult Pipeline, CaseResult Render, CaseResult Encode)
{
    public int Resolution => Pipeline.Resolution;
    public double EndToEndFps => Pipeline.Fps!.Value;
    public double RenderingStageSeconds => Pipeline.StageSeconds!.GetValueOrDefault("Rendering");
    public double RenderingStageFps => Pipeline.Frames / RenderingStageSeconds;
    public double RealTimeFactor => Pipeline.ElapsedSeconds!.Value / Pipeline.AudioSeconds;
    public double RenderFps => Render.Fps!.Value;
    public double EncodeFps => Encode.Fps!.Value;
    /// <summary>End-to-end fps / encode-only fps; "within 2x of the baseline" means at least 0.5.</summary>
    public double BaselineRatio => EndToEndFps / EncodeFps;
    public double RenderingStageBaselineRatio => RenderingStageFps / EncodeFps;
    /// <summary>The second job in the pipeline case's process (warm) against the same baseline.</summary>
    public double WarmBaselineRatio => Pipeline.WarmFps!.Value / EncodeFps;
}

/// <summary>Everything one benchmark run measured.</summary>
public sealed record BenchSummary(
    MachineInfo Machine,
    double ClipSeconds,
    string Encoder,
    IReadOnlyList<ResolutionFigures> Resolutions,
    CaseResult Models,
    CaseResult? MemoryCase,
    double TotalSeconds,
    double LoadBefore,
    double LoadAfter);

/// <summary>The parent side: prepares the inputs, runs every case as a child process, prints the figures.</summary>
public static class BenchRun
{
    public static async Task<int> RunAsync(BenchOptions o)
    {
        var total = Stopwatch.StartNew();
        void Say(string text)
        {
            if (!o.JsonOnly) Console.Error.WriteLine($"[bench {total.Elapsed.TotalSeconds,5:0}s] {text}");
        }

        var machine = MachineInfo.Read();
        double loadBefore = MachineLoad.LoadAverage();
        using var inputs = BenchInputs.Create(o.Keep);
        var clip = inputs.Clip(o.Seconds);
        Say($"inputs ready in {inputs.Folder}");

        if (o.CompareRepetitions > 0)
        {
            await InputComparison.RunAsync(o, inputs, clip, Say);
            return 0;
        }

        if (o.Sampler)
        {
            Say("sampler: 1024-wide rows of head motion");
            var sampler = await ChildLauncher.RunAsync("--case", "sampler", "--image", inputs.ImagePath);
            if (!o.JsonOnly)
                foreach (var (name, ns) in sampler.CallMilliseconds!) Console.Out.WriteLine($"  {name,-64} {ns,6:0.00}");
            Console.Out.WriteLine(JsonSerializer.Serialize(sampler, CaseRunner.Json));
            return 0;
        }

        if (o.Startup)
        {
            foreach (var res in o.Resolutions)
            {
                Say($"{res}: startup steps");
                var startup = await ChildLauncher.RunAsync("--case", "startup", "--res", Text(res), "--image", inputs.ImagePath,
                    "--audio", clip, "--out", inputs.PathFor($"startup-{res}.mp4"));
                if (!o.JsonOnly) ReportPrinter.PrintStartup(startup, Console.Out);
                Console.Out.WriteLine(JsonSerializer.Serialize(startup, CaseRunner.Json));
            }
            return 0;
        }

        var figures = new List<ResolutionFigures>();
        foreach (var res in o.Resolutions)
            figures.Add(await MeasureResolutionAsync(inputs, clip, res, Say));

        Say("models: single-call timings");
        var models = await ChildLauncher.RunAsync("--case", "models", "--image", inputs.ImagePath, "--audio", clip);

        CaseResult? memoryCase = null;
        if (!o.Quick)
        {
            Say($"memory: pipeline 1024 on a {o.MemorySeconds:0.#} s clip");
            memoryCase = await RunPipelineAsync(inputs, inputs.Clip(o.MemorySeconds), 1024, "memory");
        }

        var summary = new BenchSummary(machine with { Ort = models.OrtVersion }, o.Seconds, "libx264 veryfast crf 20 (EngineOptions defaults)",
            figures, models, memoryCase, total.Elapsed.TotalSeconds, loadBefore, MachineLoad.LoadAverage());
        if (!o.JsonOnly) ReportPrinter.Print(summary, Console.Out);
        Console.Out.WriteLine(JsonSerializer.Serialize(SummaryJson.From(summary), CaseRunner.Json));
        if (o.Keep) Console.Error.WriteLine($"kept {inputs.Folder}");
        return 0;
    }

    /// <summary>Pipeline, render only and encode only at one resolution, all with the same encoder input
    /// (<paramref name="input"/>; null: EngineOptions' default).</summary>
    internal static async Task<ResolutionFigures> MeasureResolutionAsync(BenchInputs inputs, string clip, int res, Action<string> say, string? input = null)
    {
        string[] format = input is null ? [] : ["--input", input];
        string suffix = input is null ? "" : "-" + input;
        say($"{res}{suffix}: pipeline (GenerateAsync)");
        var pipeline = await RunPipelineAsync(inputs, clip, res, "pipeline" + suffix, [.. format, "--warm"]);

        say($"{res}{suffix}: render only");
        var raw = inputs.PathFor($"frames-{res}{suffix}.raw");
        var render = await ChildLauncher.RunAsync(["--case", "render", "--res", Text(res), "--image", inputs.ImagePath,
            "--audio", clip, "--raw", raw, .. format]);

        say($"{res}{suffix}: encode only (baseline)");
        var encode = await ChildLauncher.RunAsync(["--case", "encode", "--res", Text(res), "--audio", clip, "--raw", raw,
            "--width", Text(render.Width), "--height", Text(render.Height), "--frames", Text(render.Frames),
            "--out", inputs.PathFor($"encode-{res}{suffix}.mp4"), .. format]);
        File.Delete(raw); // 1.5 GB at 1024 for 20 s
        return new ResolutionFigures(pipeline, render, encode);
    }

    private static Task<CaseResult> RunPipelineAsync(BenchInputs inputs, string clip, int res, string name, string[]? format = null) =>
        ChildLauncher.RunAsync(["--case", "pipeline", "--res", Text(res), "--image", inputs.ImagePath, "--audio", clip,
            "--out", inputs.PathFor($"{name}-{res}.mp4"), .. format ?? []]);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
