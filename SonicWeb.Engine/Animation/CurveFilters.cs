namespace SonicWeb.Engine.Animation;

/// <summary>Filters over whole per-frame curves (we have the whole clip, so filters can be centred).</summary>
internal static class CurveFilters
{
    /// <summary>
    /// Envelope follower with separate attack and release time constants (seconds): the mouth opens
    /// as fast as the sound starts and closes more slowly, as real jaws do.
    /// </summary>
    public static float[] AttackRelease(float[] target, int fps, double attackSeconds, double releaseSeconds)
        => AttackRelease(target, fps, attackSeconds, releaseSeconds, releaseSeconds, null);

    /// <summary>
    /// The same, with a second, shorter release on frames where <paramref name="quiet"/> is above 0.5 (the
    /// voice has stopped: the jaw closes briskly instead of drifting shut over the first frames of a pause).
    /// </summary>
    public static float[] AttackRelease(float[] target, int fps, double attackSeconds, double releaseSeconds, double quietReleaseSeconds, float[]? quiet)
    {
        var result = new float[target.Length];
        float attack = (float)(1 - Math.Exp(-1.0 / (fps * attackSeconds)));
        float release = (float)(1 - Math.Exp(-1.0 / (fps * releaseSeconds)));
        float quietRelease = (float)(1 - Math.Exp(-1.0 / (fps * quietReleaseSeconds)));
        float y = 0;
        for (int i = 0; i < target.Length; i++)
        {
            float x = target[i];
            y += (x > y ? attack : quiet != null && quiet[i] > 0.5f ? quietRelease : release) * (x - y);
            result[i] = y;
        }
        return result;
    }

    /// <summary>Centred (zero-phase) Gaussian smoothing: no lag; edges use the nearest sample.</summary>
    public static float[] GaussianCentred(float[] values, double sigmaFrames)
    {
        if (sigmaFrames <= 0 || values.Length == 0) return (float[])values.Clone();
        int radius = Math.Max(1, (int)Math.Ceiling(3 * sigmaFrames));
        var kernel = new float[2 * radius + 1];
        double sum = 0;
        for (int k = -radius; k <= radius; k++) sum += kernel[k + radius] = (float)Math.Exp(-0.5 * k * k / (sigmaFrames * sigmaFrames));
        for (int k = 0; k < kernel.Length; k++) kernel[k] = (float)(kernel[k] / sum);

        var result = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            float acc = 0;
            for (int k = -radius; k <= radius; k++)
                acc += kernel[k + radius] * values[Math.Clamp(i + k, 0, values.Length - 1)];
            result[i] = acc;
        }
        return result;
    }

    /// <summary>Moves a curve earlier by <paramref name="frames"/> (the last value is held at the end).</summary>
    public static float[] ShiftEarlier(float[] values, int frames)
    {
        if (frames <= 0) return values;
        var result = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
            result[i] = values[Math.Min(i + frames, values.Length - 1)];
        return result;
    }

    public static float SmoothStep(float edge0, float edge1, float x)
    {
        float t = Math.Clamp((x - edge0) / (edge1 - edge0), 0f, 1f);
        return t * t * (3 - 2 * t);
    }
}
