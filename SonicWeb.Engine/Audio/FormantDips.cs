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
        int window = (int)Math.Round(WindowSeconds * sampleRate), hop = Math.Max(1, (int)Math.Round(HopSeconds * sampleRate));
        int fftSize = 1; while (fftSize < window) fftSize <<= 1;
        int windows = samples.Length < window ? 0 : (samples.Length - window) / hop + 1;
        var level = new float[windows];
        var hiss = new float[windows];
        var hann = new float[window];
        for (int i = 0; i < window; i++) hann[i] = 0.5f - 0.5f * MathF.Cos(2 * MathF.PI * i / (window - 1));
        var re = new float[fftSize];
        var im = new float[fftSize];
        float hzPerBin = sampleRate / (float)fftSize;
        int firstBin = (int)MathF.Round(BandFromHz / hzPerBin), lastBin = Math.Min(fftSize / 2, (int)MathF.Round(BandToHz / hzPerBin));
        for (int w = 0; w < windows; w++)
        {
            Array.Clear(re); Array.Clear(im);
            for (int i = 0; i < window; i++) re[i] = samples[w * hop + i] * hann[i];
            Fft.Forward(re, im);
            double energy = 0, high = 0, mid = 0;
            for (int k = 1; k <= fftSize / 2; k++)
            {
                double e = re[k] * re[k] + im[k] * im[k];
                float hz = k * hzPerBin;
                if (k >= firstBin && k <= lastBin) energy += e;
                if (hz >= 3500) high += e;
                else if (hz >= 1000 && hz < 3000) mid += e;
            }
            level[w] = (float)(10 * Math.Log10(energy + 1e-9));
            hiss[w] = (float)Math.Log((high + 1e-9) / (mid + 1e-9));
        }

        int reach = (int)Math.Round(ReachSeconds / HopSeconds);
        var dip = new float[frameCount];
        for (int f = 0; f < frameCount; f++)
        {
            int first = Math.Max(0, (int)Math.Ceiling(((double)f / fps * sampleRate - window / 2.0) / hop));
            int last = Math.Min(windows - 1, (int)Math.Floor((((double)f + 1) / fps * sampleRate - window / 2.0) / hop));
            if (last < first) continue;
            int quietest = first;
            for (int w = first; w <= last; w++) if (level[w] < level[quietest]) quietest = w;
            float before = float.MinValue, after = float.MinValue;
            for (int w = Math.Max(0, quietest - reach); w < quietest; w++) before = MathF.Max(before, level[w]);
            for (int w = quietest + 1; w <= Math.Min(windows - 1, quietest + reach); w++) after = MathF.Max(after, level[w]);
            float depth = MathF.Min(before, after) - level[quietest];
            dip[f] = Smooth(FromDb, FullDb, depth) * (1 - Smooth(HissFrom, HissFull, hiss[quietest]));
        }
        return dip;
    }

    private static float Smooth(float edge0, float edge1, float x)
    {
        float t = Math.Clamp((x - edge0) / (edge1 - edge0), 0f, 1f);
        return t * t * (3 - 2 * t);
    }
}
