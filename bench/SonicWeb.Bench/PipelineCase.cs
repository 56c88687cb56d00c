using System.Diagnostics;
using SonicWeb.Engine.Backends.BuiltIn;
using SonicWeb.Engine.Models;
using SonicWeb.Engine.Onnx;
using SonicWeb.Engine.Pipeline;

namespace SonicWeb.Bench;

/// <summary>
/// End to end: one BuiltInBackend.GenerateAsync job, exactly as the app runs it (with a progress
/// listener, so preview JPEGs are made as for a web job), in a fresh process (cold); then the same job once more in
/// the same process (warm, as the next job of a running service), reported beside it.
/// </summary>
public static class PipelineCase
{
    public static async Task<CaseResult> RunAsync(BenchOptions o)
    {
        using var onnx = new OrtRuntime();
        var options = new EngineOptions();
        if (o.Input is { } input) options.EncoderInput = input;
        var load = Stopwatch.StartNew();
        var models = AnalysisModels.Load(ModelStore.Default, onnx, options.Onnx, Console.Error.WriteLine);
        double modelLoad = load.Elapsed.TotalSeconds;

        var pipeline = new BuiltInBackend(options, models);
        var progress = new PreviewCounter(CpuMeter.StartNew());
        var request = new GenerationRequest(CaseRunner.Require(o.Image, "image"), CaseRunner.Require(o.Audio, "audio"),
            CaseRunner.Require(o.Output, "out"), CaseRunner.Parameters(o.Resolution));
        var cpu = CpuMeter.StartNew();
        var result = await pipeline.GenerateAsync(request, progress);
        cpu.Stop();

        // The same job again in this process: what a running service sees (JIT done, thread pool grown, caches warm).
        // Printed beside the cold figure above, which stays the headline.
        if (!o.Warm) return Result(o, result, modelLoad, progress, cpu, null, null);
        var warmOutput = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(request.OutputPath))!, "warm-" + Path.GetFileName(request.OutputPath));
        var warmCpu = CpuMeter.StartNew();
        var warm = await pipeline.GenerateAsync(request with { OutputPath = warmOutput }, new PreviewCounter(CpuMeter.StartNew()));
        warmCpu.Stop();
        File.Delete(warmOutput);

        return Result(o, result, modelLoad, progress, cpu, warm, warmCpu);
    }

    private static CaseResult Result(BenchOptions o, GenerationResult result, double modelLoad, PreviewCounter progress, CpuMeter cpu,
        GenerationResult? warm, CpuMeter? warmCpu)
    {
        return new CaseResult
        {
            Case = "pipeline",
            Resolution = o.Resolution,
            Width = result.Width,
            Height = result.Height,
            Frames = result.Frames,
            AudioSeconds = result.DurationSeconds,
            ElapsedSeconds = result.ElapsedSeconds,
            Fps = result.Frames / result.ElapsedSeconds,
            StageSeconds = result.StageSeconds,
            ModelLoadSeconds = modelLoad,
            OutputBytes = new FileInfo(result.OutputPath).Length,
            Previews = progress.Previews,
            CpuSeconds = cpu.SelfSeconds,
            FfmpegCpuSeconds = cpu.ChildrenSeconds,
            AnalysisCpuSeconds = progress.AnalysisCpuSeconds,
            WarmElapsedSeconds = warm?.ElapsedSeconds,
            WarmFps = warm is null ? null : warm.Frames / warm.ElapsedSeconds,
            WarmStageSeconds = warm?.StageSeconds,
            WarmCpuSeconds = warmCpu is null ? null : warmCpu.SelfSeconds + warmCpu.ChildrenSeconds,
        };
    }

    /// <summary>Counts preview JPEGs and notes the CPU spent before the first rendered frame; synchronous
    /// (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class PreviewCounter(CpuMeter sinceStart) : IProgress<GenerationProgress>
    {
        public int Previews { get; private set; }
        public double? AnalysisCpuSeconds { get; private set; }

        public void Report(GenerationProgress value)
        {
            if (value.PreviewJpeg != null) Previews++;
            if (AnalysisCpuSeconds is null && value.Stage == GenerationStage.Rendering)
            {
                sinceStart.Stop();
                AnalysisCpuSeconds = sinceStart.SelfSeconds + sinceStart.ChildrenSeconds;
            }
        }
    }
}
