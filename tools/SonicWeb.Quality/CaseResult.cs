using SonicWeb.Engine.Quality;

namespace SonicWeb.Quality;

/// <summary>What one case measured (on the decoded MP4), with the report for its contact sheets.</summary>
/// <param name="Closure">Bilabials on the jaw measure (espeak cases only).</param>
/// <param name="CavityClosure">Bilabials on the cavity measure.</param>
internal sealed record CaseResult(QualityCase Case, double RenderFps, VideoQualityReport Report, ClosureFigures? Closure,
    ClosureFigures? CavityClosure, int FacesFound)
{
    /// <summary>The jaw measure (<see cref="JawMeter"/>): the one the targets are judged on.</summary>
    public SyncFigures Sync => Report.JawSync;

    /// <summary>The dark-cavity measure (<see cref="MouthMeter"/>): reported beside it, not judged.</summary>
    public SyncFigures Cavity => Report.Sync;

    /// <summary>The targets of issue 13, each as (measure, value, target, lower is better), on the jaw measure.</summary>
    public IEnumerable<Measure> Measures()
    {
        yield return new Measure("pause/speech opening", Sync.SilenceShare, Targets.PauseShare, LowerIsBetter: true);
        yield return new Measure("correlation at best lag", Sync.Correlation, Targets.Correlation, LowerIsBetter: false);
        yield return new Measure("best lag (ms either way)", Math.Abs(Sync.BestLagMs), Targets.LagMs, LowerIsBetter: true);
        if (Closure != null) yield return new Measure("p/b/m opening / vowel median", Closure.MeanShare, Targets.BilabialShare, LowerIsBetter: true);
        yield return new Measure("black border", Report.BlackBorderShare, Targets.BlackBorder, LowerIsBetter: true);
    }

    /// <summary>The same sync targets on the cavity measure: printed for comparison, they do not decide "met".</summary>
    public IEnumerable<Measure> CavityMeasures()
    {
        yield return new Measure("cavity: pause/speech opening", Cavity.SilenceShare, Targets.PauseShare, LowerIsBetter: true);
        yield return new Measure("cavity: correlation at best lag", Cavity.Correlation, Targets.Correlation, LowerIsBetter: false);
        yield return new Measure("cavity: best lag (ms either way)", Math.Abs(Cavity.BestLagMs), Targets.LagMs, LowerIsBetter: true);
        if (CavityClosure != null) yield return new Measure("cavity: p/b/m opening / vowel median", CavityClosure.MeanShare, Targets.BilabialShare, LowerIsBetter: true);
    }

    /// <summary>How far the case is from passing its worst target: above 1 misses it.</summary>
    public double Badness => Measures().Where(m => !double.IsNaN(m.Value)).Max(m => m.Ratio);

    public bool Met => Measures().All(m => double.IsNaN(m.Value) || m.Met);
}

internal readonly record struct Measure(string Name, double Value, double Target, bool LowerIsBetter)
{
    public bool Met => LowerIsBetter ? Value <= Target : Value >= Target;

    /// <summary>1 exactly at the target, above 1 the worse side.</summary>
    public double Ratio => LowerIsBetter ? Value / Target : Target / Math.Max(1e-6, Value);
}

internal static class Targets
{
    public const double PauseShare = 0.10, Correlation = 0.65, LagMs = 80, BilabialShare = 0.20, BlackBorder = 0.01;
}
