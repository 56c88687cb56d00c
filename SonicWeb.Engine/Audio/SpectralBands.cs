namespace SonicWeb.Engine.Audio;

/// <summary>
/// The spectral shape of speech per video frame: log energies in a few bands chosen around where
/// vowel formants sit (F1 200-900 Hz, F2 800-2800 Hz), with the frame's mean band level subtracted so
/// only the shape remains (loudness is a separate control). A 32 ms Hann window centred on the frame;
/// averaging three windows a third of a frame apart steadies it at 25 fps.
/// </summary>
public static class SpectralBands
{
    /// <summary>Band edges in Hz: 8 bands from 150 Hz to 6 kHz.</summary>
    public static readonly float[] EdgesHz = [150, 350, 600, 900, 1300, 1800, 2500, 3500, 6000];

    public static int BandCount => EdgesHz.Length - 1;

    private const int WindowSamples = 512; // 32 ms at 16 kHz

    /// <summary>Per frame: <see cref="BandCount"/> mean-removed log band energies (natural log), and the frame's level (mean log energy).</summary>
    public static (float[][] Shape, float[] Level) PerFrame(ReadOnlySpan<float> samples, int sampleRate, int fps, int frameCount)
    {
        int window = WindowSamples * sampleRate / 16000;
        int fftSize = 1; while (fftSize < window) fftSize <<= 1;
        var hann = new float[window];
        for (int i = 0; i < window; i++) hann[i] = 0.5f - 0.5f * MathF.Cos(2 * MathF.PI * i / (window - 1));
        var re = new float[fftSize];
        var im = new float[fftSize];
        var bins = BinRanges(sampleRate, fftSize);
        var shape = new float[frameCount][];
        var level = new float[frameCount];
        var energy = new double[BandCount];
        double samplesPerFrame = (double)sampleRate / fps;

        for (int f = 0; f < frameCount; f++)
        {
            Array.Clear(energy);
            for (int sub = -1; sub <= 1; sub++)
            {
                int centre = (int)Math.Round((f + 0.5 + sub / 3.0) * samplesPerFrame);
                int start = centre - window / 2;
                Array.Clear(re); Array.Clear(im);
                for (int i = 0; i < window; i++)
                {
                    int s = start + i;
                    re[i] = (uint)s < (uint)samples.Length ? samples[s] * hann[i] : 0;
                }
                Fft.Forward(re, im);
                for (int b = 0; b < BandCount; b++)
                    for (int k = bins[b].First; k < bins[b].Last; k++)
                        energy[b] += re[k] * re[k] + im[k] * im[k];
            }
            var logs = new float[BandCount];
            float mean = 0;
            for (int b = 0; b < BandCount; b++)
            {
                // Per-bin mean, so wide bands do not dominate; a tiny floor keeps silence finite.
                logs[b] = (float)Math.Log(energy[b] / (bins[b].Last - bins[b].First) + 1e-9);
                mean += logs[b];
            }
            mean /= BandCount;
            for (int b = 0; b < BandCount; b++) logs[b] -= mean;
            shape[f] = logs;
            level[f] = mean;
        }
        return (shape, level);
    }

    private static (int First, int Last)[] BinRanges(int sampleRate, int fftSize)
    {
        var ranges = new (int, int)[BandCount];
        float hzPerBin = sampleRate / (float)fftSize;
        for (int b = 0; b < BandCount; b++)
        {
            int first = Math.Max(1, (int)MathF.Round(EdgesHz[b] / hzPerBin));
            int last = Math.Min(fftSize / 2, Math.Max(first + 1, (int)MathF.Round(EdgesHz[b + 1] / hzPerBin)));
            ranges[b] = (first, last);
        }
        return ranges;
    }
}
