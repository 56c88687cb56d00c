using System.CommandLine;
using System.Globalization;
using SonicWeb.Engine.Backends;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Hosting;

namespace SonicWeb.Cli;

/// <summary>
/// The command-line verbs of the SonicWeb executable (`generate`, `inspect`, `users`, `backup`). Anything else starts
/// the web app. Parse errors are reported like engine errors (invalid_parameter, exit code 2) so
/// scripts see one error format.
/// </summary>
internal static class CliApp
{
    public static readonly string[] Verbs = ["generate", "inspect", "users", "backup"];

    public static bool IsCliInvocation(string[] args) => args.Length > 0 && Verbs.Contains(args[0]);

    /// <summary>The engine's services for a command-line run; warnings go to stderr (stdout carries the result).</summary>
    public static ServiceProvider EngineServices(IConfiguration config)
    {
        var services = new ServiceCollection();
        services.AddSingleton(config);
        services.AddLogging(b => b.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning));
        services.AddSonicEngine();
        return services.BuildServiceProvider();
    }

    public static async Task<int> RunAsync(string[] args, Func<IGenerationBackend> backendFactory, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        var o = new CliOptions();

        var generate = new Command("generate", "Make a talking-head MP4 from a portrait and a voice recording.") { o.Image, o.Audio, o.Output };
        foreach (var option in o.ParameterOptions) generate.Options.Add(option);
        generate.SetAction((r, ct) => GenerateAsync(r, o, backendFactory, new CliOutput(r.GetValue(o.Json), stdout, stderr), ct));

        var inspect = new Command("inspect", "Check a portrait and a voice recording: face, audio length, warnings, time estimate.") { o.Image, o.Audio };
        foreach (var option in o.ParameterOptions) inspect.Options.Add(option);
        inspect.SetAction((r, ct) => InspectAsync(r, o, backendFactory, new CliOutput(r.GetValue(o.Json), stdout, stderr), ct));

        var root = new RootCommand("SonicWeb: talking-head videos from a portrait and a voice.") { generate, inspect, UsersCommand.Create(stdout, stderr), BackupCommand.Create(stdout, stderr) };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            var output = new CliOutput(args.Contains("--json"), stdout, stderr);
            return output.Error("invalid_parameter", string.Join(" ", parsed.Errors.Select(e => e.Message)));
        }
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    private static async Task<int> GenerateAsync(ParseResult r, CliOptions o, Func<IGenerationBackend> backendFactory, CliOutput output, CancellationToken ct)
    {
        try
        {
            var backend = backendFactory();
            var request = new GenerationRequest(r.GetValue(o.Image)!, r.GetValue(o.Audio)!, Path.GetFullPath(r.GetValue(o.Output)!), o.ToParameters(r));
            var progress = output.IsJson ? null : new ConsoleProgress(output);
            var result = await backend.GenerateAsync(request, progress, ct);
            var fps = result.Frames / Math.Max(1e-6, result.StageSeconds.GetValueOrDefault("Rendering"));
            var text = string.Create(CultureInfo.InvariantCulture,
                $"{result.OutputPath}: {result.Width}x{result.Height}, {result.Frames} frames, {result.DurationSeconds:0.00} s, made in {result.ElapsedSeconds:0.0} s (seed {result.Seed})")
                + string.Concat(result.Warnings.Select(w => "\nwarning: " + w));
            return output.Result(new
            {
                output = result.OutputPath,
                frames = result.Frames,
                fps = result.Fps,
                width = result.Width,
                height = result.Height,
                durationSeconds = result.DurationSeconds,
                elapsedSeconds = Math.Round(result.ElapsedSeconds, 3),
                renderFps = Math.Round(fps, 1),
                seed = result.Seed,
                warnings = result.Warnings,
                stageSeconds = result.StageSeconds.ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value, 3)),
            }, text);
        }
        catch (Exception e) { return output.Error(e); }
    }

    private static async Task<int> InspectAsync(ParseResult r, CliOptions o, Func<IGenerationBackend> backendFactory, CliOutput output, CancellationToken ct)
    {
        try
        {
            var inspection = await backendFactory().InspectAsync(r.GetValue(o.Image)!, r.GetValue(o.Audio)!, o.ToParameters(r), ct);
            var box = inspection.Face.Face.Box;
            var text = string.Create(CultureInfo.InvariantCulture,
                $"image {inspection.ImageWidth}x{inspection.ImageHeight}; face at x={box.X:0} y={box.Y:0} {box.Width:0}x{box.Height:0} (score {inspection.Face.Face.Score:0.00}, {inspection.Face.FacesFound} found, {inspection.Face.Landmarks.Points.Count} landmarks)\n" +
                $"audio {inspection.AudioSeconds:0.00} s -> video {inspection.VideoSeconds:0.00} s at {inspection.Layout.Width}x{inspection.Layout.Height}\n" +
                $"estimated time {inspection.EstimatedSeconds:0.0} s")
                + string.Concat(inspection.Warnings.Select(w => "\nwarning: " + w));
            return output.Result(new
            {
                image = new { width = inspection.ImageWidth, height = inspection.ImageHeight },
                face = new
                {
                    box = new { x = Math.Round(box.X, 1), y = Math.Round(box.Y, 1), width = Math.Round(box.Width, 1), height = Math.Round(box.Height, 1) },
                    score = Math.Round(inspection.Face.Face.Score, 3),
                    facesFound = inspection.Face.FacesFound,
                    landmarks = inspection.Face.Landmarks.Points.Count,
                },
                audioSeconds = Math.Round(inspection.AudioSeconds, 3),
                videoSeconds = Math.Round(inspection.VideoSeconds, 3),
                output = new { width = inspection.Layout.Width, height = inspection.Layout.Height, frames = inspection.FrameCount },
                estimatedSeconds = Math.Round(inspection.EstimatedSeconds, 1),
                warnings = inspection.Warnings,
            }, text);
        }
        catch (Exception e) { return output.Error(e); }
    }

    /// <summary>One progress line on stderr, rewritten in place, at most a few times a second.</summary>
    private sealed class ConsoleProgress(CliOutput output) : IProgress<GenerationProgress>
    {
        private GenerationStage _lastStage = (GenerationStage)(-1);
        private int _lastPercent = -1;

        public void Report(GenerationProgress p)
        {
            int percent = (int)(p.Fraction * 100);
            if (p.Stage == _lastStage && percent == _lastPercent) return;
            _lastStage = p.Stage;
            _lastPercent = percent;
            var remaining = p.Remaining is { } r ? $", about {r.TotalSeconds:0} s left" : "";
            output.Info(p.FramesTotal > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{p.Stage}: {p.FramesDone}/{p.FramesTotal} frames ({percent}%){remaining}")
                : $"{p.Stage}...");
        }
    }
}
