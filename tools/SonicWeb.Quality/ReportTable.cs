using System.Text;

namespace SonicWeb.Quality;

/// <summary>The report's tables: one row per case, then per target the worst case and the median.</summary>
internal static class ReportTable
{
    public static string Cases(IEnumerable<CaseResult> results)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| case | frames | faces | render fps* | corr | corr@0 | best lag | pause/speech | p/b/m (worst) | cavity: corr / lag / pause/speech / p/b/m | jaw~cavity | corners diff (mean/max) | forehead diff (mean/max) | black border | met |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            var s = r.Sync; var q = r.Report;
            string closure = r.Closure == null ? "-" : $"{r.Closure.MeanShare * 100:0}% ({r.Closure.WorstShare * 100:0}%, {r.Closure.Consonants})";
            var c = r.Cavity;
            string cavity = $"{c.Correlation:0.00} / {c.BestLagMs:+0;-0;0} ms / {c.SilenceShare * 100:0.0}%" + (r.CavityClosure == null ? "" : $" / {r.CavityClosure.MeanShare * 100:0}%");
            sb.AppendLine($"| {r.Case.Name} | {q.Frames} | {r.FacesFound} | {r.RenderFps:0.0} | {s.Correlation:0.00} | {s.ZeroLagCorrelation:0.00} | " +
                          $"{s.BestLagFrames:+0;-0;0} fr ({s.BestLagMs:+0;-0;0} ms) | {s.SilenceShare * 100:0.0}% ({s.SilenceFrames}/{s.SpeechFrames} fr) | {closure} | {cavity} | {q.MeterAgreement:0.00} | " +
                          $"{q.CornersMeanDiff:0.00}/{q.CornersMaxDiff:0.00} | {q.ForeheadMeanDiff:0.00}/{q.ForeheadMaxDiff:0.00} | {q.BlackBorderShare * 100:0.0}% | {(r.Met ? "yes" : "**no**")} |");
        }
        return sb.ToString();
    }

    public static string Summary(IReadOnlyList<CaseResult> results) => Summary(results, r => r.Measures());

    /// <summary>Per measure the worst case and the median; <paramref name="measures"/> picks the jaw (targets) or cavity figures.</summary>
    public static string Summary(IReadOnlyList<CaseResult> results, Func<CaseResult, IEnumerable<Measure>> measures)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| target | worst case | worst | median | met on every case |");
        sb.AppendLine("|---|---|---|---|---|");
        var names = results.SelectMany(r => measures(r).Select(m => m.Name)).Distinct();
        foreach (var name in names)
        {
            var values = results.SelectMany(r => measures(r).Where(m => m.Name == name && !double.IsNaN(m.Value)).Select(m => (r.Case.Name, m))).ToList();
            if (values.Count == 0) continue;
            var worst = values.MaxBy(v => v.m.Ratio);
            var sorted = values.Select(v => v.m.Value).Order().ToList();
            double median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
            var m = worst.m;
            string target = (m.LowerIsBetter ? "<= " : ">= ") + Format(name, m.Target);
            sb.AppendLine($"| {name} {target} | {worst.Name} | {Format(name, m.Value)} | {Format(name, median)} | {(values.All(v => v.m.Met) ? "yes" : $"**no** ({values.Count(v => !v.m.Met)} of {values.Count})")} |");
        }
        return sb.ToString();
    }

    private static string Format(string measure, double v)
        => measure.Contains("ms") ? $"{v:0} ms" : measure.Contains("corr", StringComparison.Ordinal) ? $"{v:0.00}" : $"{v * 100:0.0}%";
}
