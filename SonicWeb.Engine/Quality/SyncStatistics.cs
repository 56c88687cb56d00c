namespace SonicWeb.Engine.Quality;

/// <summary>How well a measured mouth-opening curve follows the speech loudness.</summary>
/// <param name="Correlation">Pearson correlation at <paramref name="BestLagFrames"/>.</param>
/// <param name="ZeroLagCorrelation">Pearson correlation with no shift.</param>
/// <param name="BestLagFrames">Shift maximising the correlation; positive = the mouth leads the sound.</param>
/// <param name="SilenceShare">Mean opening inside pauses / mean opening during loud speech.</param>
public sealed record SyncFigures(double Correlation, double ZeroLagCorrelation, int BestLagFrames, double BestLagMs,
    double SilenceShare, int SilenceFrames, int SpeechFrames);

public static class SyncStatistics
{
    /// <summary>Loudness (0..1 per clip) below this counts as silence, at or above <see cref="SpeechLevel"/> as speech.</summary>
    public const float SilenceLevel = 0.05f, SpeechLevel = 0.3f;

    /// <summary>Frames this close to any sound are not "inside a pause" (the mouth may be closing or leading).</summary>
    public const int PauseMarginFrames = 3;

    public static SyncFigures Compute(float[] opening, float[] loudness, int fps, int maxLagFrames = 6)
    {
        int n = Math.Min(opening.Length, loudness.Length);
        double zero = Pearson(opening, loudness, 0, n);
        int bestLag = 0; double best = double.NegativeInfinity;
        for (int lag = -maxLagFrames; lag <= maxLagFrames; lag++)
        {
            double r = Pearson(opening, loudness, lag, n);
            if (r > best) { best = r; bestLag = lag; }
        }

        double silenceSum = 0, speechSum = 0; int silence = 0, speech = 0;
        for (int i = 0; i < n; i++)
        {
            if (InsidePause(loudness, i, n)) { silenceSum += opening[i]; silence++; }
            else if (loudness[i] >= SpeechLevel) { speechSum += opening[i]; speech++; }
        }
        double share = speech == 0 || speechSum <= 0 ? double.NaN : (silence == 0 ? 0 : silenceSum / silence) / (speechSum / speech);
        return new SyncFigures(best, zero, bestLag, bestLag * 1000.0 / fps, share, silence, speech);
    }

    /// <summary>
    /// The same figures against a <see cref="SpeechReference"/>: correlation with its noise-floor-relative
    /// loudness, pauses and speech as it marks them (so hiss and breaths in a pause count as pause).
    /// </summary>
    public static SyncFigures Compute(float[] opening, SpeechReference speech, int fps, int maxLagFrames = 6)
    {
        int n = Math.Min(opening.Length, speech.Frames);
        var lagged = Compute(opening, speech.Loudness, fps, maxLagFrames);
        double silenceSum = 0, speechSum = 0; int silence = 0, spoken = 0;
        for (int i = 0; i < n; i++)
        {
            if (speech.Pause[i]) { silenceSum += opening[i]; silence++; }
            else if (speech.Speech[i]) { speechSum += opening[i]; spoken++; }
        }
        double share = spoken == 0 || speechSum <= 0 ? double.NaN : (silence == 0 ? 0 : silenceSum / silence) / (speechSum / spoken);
        return lagged with { SilenceShare = share, SilenceFrames = silence, SpeechFrames = spoken };
    }

    private static bool InsidePause(float[] loudness, int i, int n)
    {
        for (int j = Math.Max(0, i - PauseMarginFrames); j <= Math.Min(n - 1, i + PauseMarginFrames); j++)
            if (loudness[j] >= SilenceLevel) return false;
        return true;
    }

    /// <summary>Correlation of opening[i] with loudness[i + lag] over the overlapping frames.</summary>
    public static double Pearson(float[] opening, float[] loudness, int lag, int n)
    {
        double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0; int m = 0;
        for (int i = Math.Max(0, -lag); i < n && i + lag < n; i++)
        {
            double a = opening[i], b = loudness[i + lag];
            sa += a; sb += b; saa += a * a; sbb += b * b; sab += a * b; m++;
        }
        if (m < 3) return 0;
        double cov = sab - sa * sb / m, va = saa - sa * sa / m, vb = sbb - sb * sb / m;
        return va <= 1e-12 || vb <= 1e-12 ? 0 : cov / Math.Sqrt(va * vb);
    }
}
