namespace SonicWeb.Engine.Animation;

/// <summary>
/// Loudness onsets: frames where speech gets suddenly louder, the acoustic mark of a stressed
/// syllable. Strength 0..1 sits on the single frame where the rise (over 80 ms) peaks; every other
/// frame is 0.
/// </summary>
internal static class Onsets
{
    /// <summary>Rise in normalised loudness over the window that counts as no onset / as a full one.</summary>
    private const float MinRise = 0.12f, FullRise = 0.5f;
    /// <summary>Two onsets closer than this are one syllable (the larger wins).</summary>
    private const double MinGapSeconds = 0.2;

    public static float[] Strength(FrameControls controls)
    {
        int n = controls.FrameCount, fps = controls.Fps;
        int window = Math.Max(1, (int)Math.Round(0.08 * fps));
        float[] level = CurveFilters.GaussianCentred(controls.Loudness, 0.03 * fps);
        var rise = new float[n];
        for (int i = 0; i < n; i++)
            rise[i] = MathF.Max(0, level[i] - level[Math.Max(0, i - window)]) * controls.VoiceActivity[i];

        var strength = new float[n];
        int gap = Math.Max(1, (int)Math.Round(MinGapSeconds * fps));
        for (int i = 0; i < n; i++)
        {
            if (rise[i] < MinRise) continue;
            bool isPeak = true;
            for (int k = Math.Max(0, i - gap); k <= Math.Min(n - 1, i + gap) && isPeak; k++)
                if (rise[k] > rise[i] || (rise[k] == rise[i] && k < i)) isPeak = false;
            if (isPeak) strength[i] = CurveFilters.SmoothStep(MinRise, FullRise, rise[i]);
        }
        return strength;
    }
}
