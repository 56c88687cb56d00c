using System.Globalization;

namespace SonicWeb.Bench;

/// <summary>The human-readable table. Targets are printed beside the figures, without a verdict.</summary>
public static class ReportPrinter
{
    private const int LabelWidth = 44, ColumnWidth = 17;

    public static void Print(BenchSummary s, TextWriter w)
    {
        var m = s.Machine;
        var rs = s.Resolutions;
        var first = rs.Count > 0 ? rs[0].Pipeline : null;
        w.WriteLine();
        w.WriteLine("SonicWeb benchmark (figures only; targets in brackets)");
        w.WriteLine($"Machine: {m.Cores} cores ({m.Cpu}), {m.MemoryGb:0.0} GB RAM, {m.Os}");
        w.WriteLine($"Software: {m.Dotnet}, ffmpeg {m.Ffmpeg}, ONNX Runtime {m.Ort}");
        if (first != null)
            w.WriteLine($"Input: astronaut.png + {s.ClipSeconds:0.#} s espeak-ng speech = {first.Frames} frames at 25 fps; encoder {s.Encoder}");
        w.WriteLine();

        Row(w, "Output", rs.Select(r => $"{r.Pipeline.Width}x{r.Pipeline.Height}"));
        Row(w, "End-to-end fps (frames / total time)", rs.Select(r => F(r.EndToEndFps, 1)), "[512: >= 40, 1024: >= 10]");
        Row(w, "  fps of the render+encode stage", rs.Select(r => F(r.RenderingStageFps, 1)));
        Row(w, "Real-time factor (compute s / audio s)", rs.Select(r => F(r.RealTimeFactor, 3)));
        Row(w, "Stage seconds: loading", rs.Select(r => Stage(r, "Loading")));
        Row(w, "               face analysis", rs.Select(r => Stage(r, "AnalyzingFace")));
        Row(w, "               audio analysis", rs.Select(r => Stage(r, "AnalyzingAudio")));
        Row(w, "               rendering + encoding", rs.Select(r => Stage(r, "Rendering")));
        Row(w, "               total (GenerateAsync)", rs.Select(r => F(r.Pipeline.ElapsedSeconds!.Value, 2)));
        Row(w, "Render-only fps (Render calls only)", rs.Select(r => F(r.RenderFps, 1)));
        Row(w, "Encode-only fps (ffmpeg alone, baseline)", rs.Select(r => F(r.EncodeFps, 1)));
        Row(w, "End to end vs baseline", rs.Select(r => $"{F(r.BaselineRatio, 2)} of baseline"), "[within 2x = ratio >= 0.50]");
        Row(w, "  render+encode stage vs baseline", rs.Select(r => $"{F(r.RenderingStageBaselineRatio, 2)} of baseline"));
        Row(w, "Warm job (2nd in the same process): fps", rs.Select(r => F(r.Pipeline.WarmFps!.Value, 1)));
        Row(w, "  warm end to end vs baseline", rs.Select(r => $"{F(r.WarmBaselineRatio, 2)} of baseline"));
        Row(w, "  warm CPU ms per frame (.NET+ffmpeg)", rs.Select(r => F(r.Pipeline.WarmCpuSeconds!.Value * 1000 / r.Pipeline.Frames, 1)));
        Row(w, "CPU ms per frame: pipeline (.NET+ffmpeg)", rs.Select(r => F(r.Pipeline.CpuMsPerFrame!.Value, 1)));
        Row(w, "                  render only", rs.Select(r => F(r.Render.CpuMsPerFrame!.Value, 1)));
        Row(w, "                  encode only", rs.Select(r => F(r.Encode.CpuMsPerFrame!.Value, 1)));
        Row(w, "                  render + encode summed", rs.Select(r => F(r.Render.CpuMsPerFrame!.Value + r.Encode.CpuMsPerFrame!.Value, 1)));
        Row(w, $"  fps bound by CPU ({m.Cores} cores / pipeline)", rs.Select(r => F(m.Cores * 1000 / r.Pipeline.CpuMsPerFrame!.Value, 1)));
        Row(w, "Others' CPU share %: pipeline/render/encode", rs.Select(r => $"{Pct(r.Pipeline)}/{Pct(r.Render)}/{Pct(r.Encode)}"));
        Row(w, "Peak MB, pipeline: .NET process", rs.Select(r => F(r.Pipeline.Memory!.DotnetPeakMb, 0)));
        Row(w, "                   ffmpeg encoder", rs.Select(r => Mb(r.Pipeline.Memory!.FfmpegPeakMb)));
        Row(w, "                   both (sampled sum)", rs.Select(r => F(r.Pipeline.Memory!.CombinedPeakMb, 0)));
        Row(w, "Peak MB, encode only: .NET + ffmpeg", rs.Select(r => $"{F(r.Encode.Memory!.DotnetPeakMb, 0)} + {Mb(r.Encode.Memory!.FfmpegPeakMb)}"));
        Row(w, "Output MP4 size (MB)", rs.Select(r => F(r.Pipeline.OutputBytes!.Value / 1048576.0, 1)));
        w.WriteLine();

        if (s.MemoryCase is { } mem)
        {
            var p = mem.Memory!;
            w.WriteLine($"Memory case: pipeline {mem.Width}x{mem.Height}, {mem.AudioSeconds:0.#} s clip ({mem.Frames} frames streamed), " +
                        $"{F(mem.Fps!.Value, 1)} fps end to end");
            w.WriteLine($"  peak MB: .NET process {F(p.DotnetPeakMb, 0)}, ffmpeg encoder {Mb(p.FfmpegPeakMb)}, both together {F(p.CombinedPeakMb, 0)}   [< 500]");
        w.WriteLine($"  (all frames held at once would be {F(mem.Frames * (double)mem.Width * mem.Height * 3 / 1048576, 0)} MB); others' CPU share during the case: {Pct(mem)}%");
            w.WriteLine();
        }
        else
        {
            w.WriteLine("Memory case: skipped (--quick)");
            w.WriteLine();
        }

        w.WriteLine("Analysis models, single call (median after a warm-up):");
        foreach (var (name, ms) in s.Models.CallMilliseconds!)
            w.WriteLine($"  {name,-36} {F(ms, 2),9} ms");
        w.WriteLine($"  {"model loading (once per process)",-36} {F(s.Models.ModelLoadSeconds!.Value * 1000, 0),9} ms");
        w.WriteLine();
        w.WriteLine("Notes: every case runs in its own process. Peak memory: '.NET process' is its own peak resident memory");
        w.WriteLine("(managed heap, ONNX Runtime, models, frame buffers); 'ffmpeg encoder' is the peak of its largest ffmpeg child;");
        w.WriteLine("both are kernel high-water marks (VmHWM; ffmpeg's read every 50 ms). 'both' is their largest sampled sum.");
        w.WriteLine("The pipeline's figures are the first job of a fresh process (cold); 'warm job' is the same job run again in");
        w.WriteLine("that process, as the next job of a running service.");
        w.WriteLine("Model loading happens once per process and is not part of a job's time. 'Within 2x of the baseline' means");
        w.WriteLine("end-to-end fps / encode-only fps >= 0.50.");
        w.WriteLine("CPU ms per frame counts the measured work only (all threads, plus ffmpeg); 'others' CPU share' is the part");
        w.WriteLine("of the machine's CPU that other processes took during a case: when it is high, every fps figure is low.");
        w.WriteLine($"Load average (1 min): {F(s.LoadBefore, 2)} before, {F(s.LoadAfter, 2)} after.");
        w.WriteLine($"Benchmark took {s.TotalSeconds:0} s.");
        w.WriteLine();
    }

    /// <summary>The startup case: one row per step, cold and warm side by side, in milliseconds.</summary>
    public static void PrintStartup(CaseResult c, TextWriter w)
    {
        var steps = c.StageSeconds!;
        w.WriteLine();
        w.WriteLine($"Fixed start of one job, {c.Width}x{c.Height}, {c.Frames} frames (ms; each step alone, in the backend's order):");
        w.WriteLine($"  {"network loading (once per process)",-36} {F(steps["modelLoad"] * 1000, 1),9}");
        w.WriteLine($"  {"step",-36} {"cold",9} {"warm",9}");
        foreach (var name in steps.Keys.Where(k => k.StartsWith("cold.", StringComparison.Ordinal)).Select(k => k[5..]))
            w.WriteLine($"  {name,-36} {F(steps["cold." + name] * 1000, 1),9} {F(steps.GetValueOrDefault("warm." + name) * 1000, 1),9}");
        w.WriteLine();
    }

    private static void Row(TextWriter w, string label, IEnumerable<string> values, string note = "")
    {
        w.Write(label.PadRight(LabelWidth));
        foreach (var v in values) w.Write(v.PadLeft(ColumnWidth));
        w.WriteLine(note.Length > 0 ? "   " + note : "");
    }

    private static string Stage(ResolutionFigures r, string name) =>
        r.Pipeline.StageSeconds!.TryGetValue(name, out var v) ? F(v, 3) : "-";

    private static string Pct(CaseResult c) => F((c.OtherLoad ?? 0) * 100, 0);

    private static string Mb(double? value) => value is { } v ? F(v, 0) : "-";

    private static string F(double value, int digits) => value.ToString("F" + digits, CultureInfo.InvariantCulture);
}
