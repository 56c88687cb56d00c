namespace SonicWeb.Engine.Audio;

/// <summary>
/// Hann-windowed power spectra of short windows (a few ms) every hop, for cues shorter than a video frame
/// (<see cref="ReleaseBursts"/>, <see cref="FormantDips"/>), and which of those windows belong to a frame.
/// </summary>
internal sealed class ShortTimeSpectra
{
    /// <summary>Receives window <paramref name="index"/>'s power per FFT bin (bin k is k x <paramref name="hzPerBin"/> Hz, up to Nyquist).</summary>
    public delegate void Visitor(int index, ReadOnlySpan<float> power, float hzPerBin);

    private readonly int _sampleRate, _window, _hop;

    /// <summary>How many whole windows fit in the samples.</summary>
    public int Count { get; }

    private ShortTimeSpectra(int sampleRate, int window, int hop, int count) => (_sampleRate, _window, _hop, Count) = (sampleRate, window, hop, count);

    /// <summary>How many windows <see cref="Analyse"/> visits for <paramref name="sampleCount"/> samples.</summary>
    public static int WindowCount(int sampleCount, int sampleRate, double windowSeconds, double hopSeconds)
    {
        var (window, hop) = Sizes(sampleRate, windowSeconds, hopSeconds);
        return sampleCount < window ? 0 : (sampleCount - window) / hop + 1;
    }

    private static (int Window, int Hop) Sizes(int sampleRate, double windowSeconds, double hopSeconds)
        => ((int)Math.Round(windowSeconds * sampleRate), Math.Max(1, (int)Math.Round(hopSeconds * sampleRate)));

    /// <summary>Hops per <paramref name="seconds"/>, rounded.</summary>
    public int Hops(double seconds) => (int)Math.Round(seconds * _sampleRate / _hop);

    /// <summary>Runs over <paramref name="samples"/> in windows of <paramref name="windowSeconds"/> every <paramref name="hopSeconds"/>, calling <paramref name="visit"/> per window in order.</summary>
    public static ShortTimeSpectra Analyse(ReadOnlySpan<float> samples, int sampleRate, double windowSeconds, double hopSeconds, Visitor visit)
    {
        var (window, hop) = Sizes(sampleRate, windowSeconds, hopSeconds);
        int fftSize = 1; while (fftSize < window) fftSize <<= 1;
        int count = WindowCount(samples.Length, sampleRate, windowSeconds, hopSeconds);
        var hann = new float[window];
        for (int i = 0; i < window; i++) hann[i] = 0.5f - 0.5f * MathF.Cos(2 * MathF.PI * i / (window - 1));
        var re = new float[fftSize];
        var im = new float[fftSize];
        var power = new float[fftSize / 2 + 1];
        float hzPerBin = sampleRate / (float)fftSize;
        for (int w = 0; w < count; w++)
        {
            Array.Clear(re); Array.Clear(im);
            for (int i = 0; i < window; i++) re[i] = samples[w * hop + i] * hann[i];
            Fft.Forward(re, im);
            for (int k = 0; k < power.Length; k++) power[k] = re[k] * re[k] + im[k] * im[k];
            visit(w, power, hzPerBin);
        }
        return new ShortTimeSpectra(sampleRate, window, hop, count);
    }

    /// <summary>The first and last window whose centre lies inside video frame <paramref name="frame"/> (last &lt; first: none).</summary>
    public (int First, int Last) InFrame(int frame, int fps)
    {
        int first = (int)Math.Ceiling(((double)frame / fps * _sampleRate - _window / 2.0) / _hop);
        int last = (int)Math.Floor((((double)frame + 1) / fps * _sampleRate - _window / 2.0) / _hop);
        return (Math.Max(0, first), Math.Min(Count - 1, last));
    }
}
