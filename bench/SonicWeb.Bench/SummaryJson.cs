namespace SonicWeb.Bench;

/// <summary>The final JSON line: the headline figures per resolution, rounded, plus the raw case results.</summary>
public static class SummaryJson
{
    public static object From(BenchSummary s) => new
    {
        machine = s.Machine,
        clipSeconds = s.ClipSeconds,
        encoder = s.Encoder,
        targets = new
        {
            fps512 = ">= 40 end to end, ratio to encode-only baseline >= 0.5",
            fps1024 = ">= 10 end to end",
            peakMemoryMb1024For60s = "< 500",
        },
        resolutions = s.Resolutions.Select(r => new
        {
            resolution = r.Resolution,
            width = r.Pipeline.Width,
            height = r.Pipeline.Height,
            frames = r.Pipeline.Frames,
            endToEndFps = Round(r.EndToEndFps),
            renderingStageFps = Round(r.RenderingStageFps),
            realTimeFactor = Round(r.RealTimeFactor, 3),
            renderOnlyFps = Round(r.RenderFps),
            encodeOnlyFps = Round(r.EncodeFps),
            ratioToBaseline = Round(r.BaselineRatio, 2),
            renderingStageRatioToBaseline = Round(r.RenderingStageBaselineRatio, 2),
            warmEndToEndFps = Round(r.Pipeline.WarmFps!.Value),
            warmRatioToBaseline = Round(r.WarmBaselineRatio, 2),
            cpuMsPerFrame = new
            {
                pipeline = Round(r.Pipeline.CpuMsPerFrame!.Value),
                render = Round(r.Render.CpuMsPerFrame!.Value),
                encode = Round(r.Encode.CpuMsPerFrame!.Value),
            },
            othersCpuShare = new { pipeline = Round(r.Pipeline.OtherLoad ?? 0, 2), render = Round(r.Render.OtherLoad ?? 0, 2), encode = Round(r.Encode.OtherLoad ?? 0, 2) },
            stageSeconds = r.Pipeline.StageSeconds!.ToDictionary(kv => kv.Key, kv => Round(kv.Value, 3)),
            pipelineMemory = r.Pipeline.Memory,
            renderMemory = r.Render.Memory,
            encodeMemory = r.Encode.Memory,
            cases = new[] { r.Pipeline, r.Render, r.Encode },
        }),
        memory = s.MemoryCase is { } m ? new
        {
            resolution = m.Resolution,
            clipSeconds = m.AudioSeconds,
            frames = m.Frames,
            endToEndFps = Round(m.Fps!.Value),
            peaks = m.Memory,
            othersCpuShare = Round(m.OtherLoad ?? 0, 2),
        } : null,
        modelCallMilliseconds = s.Models.CallMilliseconds!.ToDictionary(kv => kv.Key, kv => Round(kv.Value, 3)),
        modelLoadSeconds = Round(s.Models.ModelLoadSeconds!.Value, 3),
        loadAverage = new { before = s.LoadBefore, after = s.LoadAfter },
        totalSeconds = Round(s.TotalSeconds, 1),
    };

    private static double Round(double value, int digits = 1) => Math.Round(value, digits);
}
