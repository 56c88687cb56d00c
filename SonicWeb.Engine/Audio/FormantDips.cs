namespace SonicWeb.Engine.Audio;

/// <summary>
/// Short closures the frame-rate spectrum misses. A voiced b or an m between vowels shuts the tract for 60-90 ms;
/// <see cref="SpectralBands"/> averages about 60 ms of sound per frame, so the vowels on either side fill the dip
/// in (espeak's British "mama bought a big bag" read at most 0.7 and mostly 0 on its b's). Read in 16 ms windows
/// every 4 ms, the formant band (0.9-3.5 kHz, which needs an open tract) falls 35-45 dB at those closures, against
/// under 20 dB on most vowels. The nasals and laterals dip as far (n, l: the animator keeps their lips apart by their
/// spectrum, <see cref="VisemeClass.Alveolar"/>), and so do s and z, whose hiss is above the band: a window whose
/// energy is mostly above 3.5 kHz is not counted (ln(E 3.5-8 kHz / E 1-3 kHz) is 2.8-3.8 on espeak's s and z,
/// below 2.6 on every p, b and m).
/// </summary>
public static class FormantDips
{
    private const double WindowSeconds = 0.016, HopSeconds = 0.004;

    /// <summary>How far either side of the quietest window the louder neighbours are looked for (a syllable).</summary>
    private const double ReachSeconds = 0.1;

    private const float BandFromHz = 900, BandToHz = 3500;

    /// <summary>Dip depth in dB where a frame starts to count as a closure, and where it counts fully.</summary>
    private const float FromDb = 25, FullDb = 35;

    /// <summary>Hiss: ln(E 3.5-8 kHz / E 1-3 kHz) from which a window stops counting, and where it no longer counts at all.</summary>
    private const float HissFrom = 2.6f, HissFull = 3.2f;

    /// <summary>
    /// 0..1 per frame: the quietest short window whose centre lies in the frame, how far (dB) its formant band
    /// sits below the louder of the loudest windows within 100 ms before and after it (the lower of the two).
    /// </summary>
    public static float[] PerFrame(ReadOnlySpan<float> samples, int sampleRate, int fps, int frameCount)
    {
        var level = new float[ShortTimeSpectra.WindowCount(samples.Length, sampleRate, WindowSeconds, HopSeconds)];
        var hiss = new float[level.Length];
        var spectra = ShortTimeSpectra.Analyse(samples, sampleRate, WindowSeconds, HopSeconds, (w, power, hzPerBin) =>
        {
            int firstBin = (int)MathF.Round(BandFromHz / hzPerBin), lastBin = Math.Min(power.Length - 1, (int)MathF.Round(BandToHz / hzPerBin));
            double energy = 0, high = 0, mid = 0;
            for (int k = 1; k < power.Length; k++)
            {
                double e = power[k];
                float hz = k * hzPerBin;
                if (k >= firstBin && k <= lastBin) energy += e;
                if (hz >= 3500) high += e;
                else if (hz >= 1000 && hz < 3000) mid += e;
            }
            level[w] = (float)(10 * Math.Log10(energy + 1e-9));
            hiss[w] = (float)Math.Log((high + 1e-9) / (mid + 1e-9));
        });

        int reach = spectra.Hops(ReachSeconds), windows = spectra.Count;
        var dip = new float[frameCount];
        for (int f = 0; f < frameCount; f++)
        {
            var (first, last) = spectra.InFrame(f, fps);
            if (last < first) continue;
            int quietest = first;
            for (int w = first; w <= last; w++) if (level[w] < level[quietest]) quietest = w;
            float before = float.MinValue, after = float.MinValue;
            for (int w = Math.Max(0, quietest - reach); w < quietest; w++) before = MathF.Max(before, level[w]);
            for (int w = quietest + 1; w <= Math.Min(windows - 1, quietest + reach); w++) after = MathF.Max(after, level[w]);
            float depth = MathF.Min(before, after) - level[quietest];
            dip[f] = Ramp.SmoothStep(FromDb, FullDb, depth) * (1 - Ramp.SmoothStep(HissFrom, HissFull, hiss[quietest]));
        }
        return dip;
    }
}
