namespace SonicWeb.Engine.Audio;

/// <summary>
/// The release burst of a stop consonant, per video frame. t, d and p, b all go silent for their hold and
/// then burst open, so loudness alone closes the lips for every one of them. Where the burst is made
/// tells them apart: the tongue tip's release (t, d) sends its noise high (mostly above 3.5 kHz), the lips'
/// release (p, b) spreads it low and flat. The burst lasts 5-20 ms, far shorter than a 40 ms video frame,
/// so it is looked for in 8 ms windows.
/// </summary>
public static class ReleaseBursts
{
    /// <summary>Window and hop in seconds: short enough to catch the burst before the vowel's onset swamps it.</summary>
    private const double WindowSeconds = 0.008, HopSeconds = 0.002;

    /// <summary>The hold before a release, in seconds before the window: the energy jump is read against the loudest window there.</summary>
    private const double HoldFrom = 0.030, HoldTo = 0.010;

    /// <summary>Bands (Hz) of the brightness ratio: the burst's high noise against the formant region.</summary>
    private const float HighFrom = 3500, HighTo = 8000, MidFrom = 1000, MidTo = 3000;

    /// <summary>
    /// Per frame, the strongest burst inside it: <c>Jump</c>, how far (natural-log energy units) the window's
    /// energy rises above the hold before it; <c>Brightness</c>, ln(energy 3.5-8 kHz / energy 1-3 kHz) of
    /// that window (on espeak's English: t 0.5 to 1.6, p and b below -0.2, k -1.7 to 0.2).
    /// </summary>
    public static (float[] Jump, float[] Brightness) PerFrame(ReadOnlySpan<float> samples, int sampleRate, int fps, int frameCount)
    {
        var total = new float[ShortTimeSpectra.WindowCount(samples.Length, sampleRate, WindowSeconds, HopSeconds)];
        var brightness = new float[total.Length];
        var spectra = ShortTimeSpectra.Analyse(samples, sampleRate, WindowSeconds, HopSeconds, (w, power, hzPerBin) =>
        {
            double all = 0, high = 0, mid = 0;
            for (int k = 1; k < power.Length; k++)
            {
                double e = power[k];
                float hz = k * hzPerBin;
                all += e;
                if (hz >= HighFrom && hz <= HighTo) high += e;
                else if (hz >= MidFrom && hz < MidTo) mid += e;
            }
            total[w] = (float)Math.Log(all + 1e-9);
            brightness[w] = (float)Math.Log((high + 1e-9) / (mid + 1e-9));
        });

        int holdFrom = spectra.Hops(HoldFrom), holdTo = spectra.Hops(HoldTo);
        var jump = new float[frameCount];
        var bright = new float[frameCount];
        for (int f = 0; f < frameCount; f++)
        {
            var (first, last) = spectra.InFrame(f, fps);
            float best = 0, bestBrightness = 0;
            for (int w = Math.Max(first, holdFrom); w <= last; w++)
            {
                float hold = float.MinValue;
                for (int k = w - holdFrom; k <= w - holdTo; k++) hold = MathF.Max(hold, total[k]);
                float rise = total[w] - hold;
                if (rise > best) { best = rise; bestBrightness = brightness[w]; }
            }
            jump[f] = best;
            bright[f] = bestBrightness;
        }
        return (jump, bright);
    }

    /// <summary>
    /// 0..1 per frame, a stop released by the tongue (t, d) in it: an energy jump of 10-18 dB over the hold
    /// before it, weighted by how bright the burst is.
    /// </summary>
    public static float[] TongueReleases(ReadOnlySpan<float> samples, int sampleRate, int fps, int frameCount)
    {
        var (jump, brightness) = PerFrame(samples, sampleRate, fps, frameCount);
        var release = new float[frameCount];
        const float Db = 0.2303f; // natural-log energy units per dB
        for (int f = 0; f < frameCount; f++)
            release[f] = Ramp.SmoothStep(10 * Db, 18 * Db, jump[f]) * Ramp.SmoothStep(0.1f, 0.45f, brightness[f]);
        return release;
    }
}
