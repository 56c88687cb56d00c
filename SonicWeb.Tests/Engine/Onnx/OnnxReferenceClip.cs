namespace SonicWeb.Tests.Engine.Onnx;

/// <summary>
/// A 3 s, 16 kHz voice-like signal computed here (no tool whose version could change it): two voiced
/// stretches (a glottal pulse train through two formant resonators, syllable-shaped loudness) between
/// near-silences with a little seeded noise. The same samples on every machine, for comparing model outputs.
/// </summary>
internal static class OnnxReferenceClip
{
    public const int SampleRate = 16000;

    public static float[] Samples()
    {
        var samples = new float[3 * SampleRate];
        uint seed = 12345;
        float Noise() { seed = seed * 1664525 + 1013904223; return (seed >> 8) / (float)(1 << 24) - 0.5f; }
        Voiced(samples, 0.4, 1.4, pitch: 125, f1: 700, f2: 1150, syllablesPerSecond: 4);
        Voiced(samples, 1.9, 2.8, pitch: 180, f1: 400, f2: 2100, syllablesPerSecond: 5);
        for (int i = 0; i < samples.Length; i++) samples[i] += 0.002f * Noise();
        return samples;
    }

    private static void Voiced(float[] samples, double start, double end, double pitch, double f1, double f2, double syllablesPerSecond)
    {
        var r1 = new Resonator(f1, 90);
        var r2 = new Resonator(f2, 120);
        int from = (int)(start * SampleRate), to = (int)(end * SampleRate);
        double phase = 0;
        for (int i = from; i < to; i++)
        {
            double t = (i - from) / (double)SampleRate;
            double vibrato = pitch * (1 + 0.05 * Math.Sin(2 * Math.PI * 3 * t));
            phase += vibrato / SampleRate;
            double pulse = phase - Math.Floor(phase) < 0.1 ? 1 : 0; // a short glottal pulse per period
            double envelope = Math.Pow(Math.Sin(Math.PI * ((t * syllablesPerSecond) % 1)), 2);
            double voiced = r2.Next(r1.Next(pulse));
            samples[i] += (float)(0.02 * envelope * voiced);
        }
    }

    /// <summary>A two-pole resonator (one formant).</summary>
    private sealed class Resonator(double frequency, double bandwidth)
    {
        private readonly double _b1 = 2 * Math.Exp(-Math.PI * bandwidth / SampleRate) * Math.Cos(2 * Math.PI * frequency / SampleRate);
        private readonly double _b2 = -Math.Exp(-2 * Math.PI * bandwidth / SampleRate);
        private double _y1, _y2;

        public double Next(double x)
        {
            double y = x + _b1 * _y1 + _b2 * _y2;
            _y2 = _y1;
            _y1 = y;
            return y;
        }
    }
}
