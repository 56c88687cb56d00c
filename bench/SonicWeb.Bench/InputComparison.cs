using System.Globalization;

namespace SonicWeb.Bench;

/// <summary>
/// <c>--compare-input N</c>: the former encoder input (RGB24, converted by ffmpeg) and the current one
/// (I420 rendered by the engine) measured back to back in one run, N times each, alternating, so a
/// shared machine's load falls on both alike. Each format's baseline is fed the same way. Prints the
/// medians per format and the ratio of the new to the old.
/// </summary>
public static class InputComparison
{
    private static readonly string[] Formats = ["rgb24", "yuv420p"];

    public static async Task RunAsync(BenchOptions o, BenchInputs inputs, string clip, Action<string> say)
    {
        var runs = new Dictionary<(int Res, string Format), List<ResolutionFigures>>();
        foreach (var res in o.Resolutions)
            for (int rep = 0; rep < o.CompareRepetitions; rep++)
                foreach (var format in rep % 2 == 0 ? Formats : Formats.Reverse())
                {
                    say($"repetition {rep + 1} of {o.CompareRepetitions}");
                    var figures = await BenchRun.MeasureResolutionAsync(inputs, clip, res, say, format);
                    (runs.TryGetValue((res, format), out var list) ? list : runs[(res, format)] = []).Add(figures);
                }
        Print(o, runs, Console.Out);
    }

    private static void Print(BenchOptions o, Dictionary<(int Res, string Format), List<ResolutionFigures>> runs, TextWriter w)
    {
        w.WriteLine();
        w.WriteLine($"Encoder input: rgb24 (ffmpeg converts) vs yuv420p (rendered as I420); {o.Seconds:0.#} s clip, " +
                    $"medians of {o.CompareRepetitions} alternating repetitions, each format's baseline fed the same way");
        var rows = new (string Label, Func<ResolutionFigures, double> Value, int Digits)[]
        {
            ("end-to-end fps (GenerateAsync)", r => r.EndToEndFps, 1),
            ("render+encode stage fps", r => r.RenderingStageFps, 1),
            ("render-only fps", r => r.RenderFps, 1),
            ("encode-only fps (baseline)", r => r.EncodeFps, 1),
            ("end to end / baseline", r => r.BaselineRatio, 3),
            ("stage / baseline", r => r.RenderingStageBaselineRatio, 3),
            ("stage / render-only", r => r.RenderingStageFps / r.RenderFps, 3),
            ("CPU ms/frame: pipeline (.NET+ffmpeg)", r => r.Pipeline.CpuMsPerFrame!.Value, 2),
            ("CPU ms/frame: render only", r => r.Render.CpuMsPerFrame!.Value, 2),
            ("CPU ms/frame: encode only", r => r.Encode.CpuMsPerFrame!.Value, 2),
            ("CPU ms/frame: pipeline - (render+encode)", r => r.Pipeline.CpuMsPerFrame!.Value - r.Render.CpuMsPerFrame!.Value - r.Encode.CpuMsPerFrame!.Value, 2),
            ("  of which before the first frame (analysis)", r => (r.Pipeline.AnalysisCpuSeconds ?? double.NaN) * 1000 / r.Pipeline.Frames, 2),
            ("others' CPU share % (pipeline case)", r => 100 * (r.Pipeline.OtherLoad ?? 0), 0),
            ("peak MB pipeline (.NET + ffmpeg)", r => r.Pipeline.Memory!.CombinedPeakMb, 0),
            ("output MP4 MB", r => r.Pipeline.OutputBytes!.Value / 1048576.0, 2),
        };
        foreach (var res in o.Resolutions)
        {
            w.WriteLine();
            w.WriteLine($"{res}x{res}".PadRight(44) + "rgb24".PadLeft(12) + "yuv420p".PadLeft(12) + "new/old".PadLeft(10) + "   each run (rgb24 | yuv420p)");
            foreach (var (label, value, digits) in rows)
            {
                var old = runs[(res, "rgb24")].Select(value).ToList();
                var @new = runs[(res, "yuv420p")].Select(value).ToList();
                double mOld = Median(old), mNew = Median(@new);
                w.WriteLine(label.PadRight(44) + F(mOld, digits).PadLeft(12) + F(mNew, digits).PadLeft(12) +
                            (mOld != 0 ? F(mNew / mOld, 3) : "-").PadLeft(10) +
                            $"   {string.Join(" ", old.Select(v => F(v, digits)))} | {string.Join(" ", @new.Select(v => F(v, digits)))}");
            }
        }
        w.WriteLine();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        int n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static string F(double value, int digits) => value.ToString("F" + digits, CultureInfo.InvariantCulture);
}
