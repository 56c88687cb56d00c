namespace SonicWeb.Engine.Animation;

/// <summary>
/// Seeded, smooth 1-D noise in about [-1, 1]: random knots every <c>spacing</c> seconds joined by
/// Catmull-Rom curves, plus a finer octave at half amplitude. Used for idle head sway.
/// </summary>
internal static class SmoothNoise
{
    public static float[] Generate(int frameCount, int fps, double spacingSeconds, SeededRandom rng)
    {
        var result = new float[frameCount];
        AddOctave(result, fps, spacingSeconds, 0.75, rng);
        AddOctave(result, fps, spacingSeconds / 2.3, 0.35, rng);
        return result;
    }

    private static void AddOctave(float[] result, int fps, double spacingSeconds, double amplitude, SeededRandom rng)
    {
        double spacingFrames = spacingSeconds * fps;
        int knotCount = (int)Math.Ceiling(result.Length / spacingFrames) + 4;
        var knots = new double[knotCount];
        for (int k = 0; k < knotCount; k++) knots[k] = rng.Range(-1, 1);
        double phase = rng.NextDouble(); // so octaves and channels do not share knot instants
        for (int f = 0; f < result.Length; f++)
        {
            double pos = f / spacingFrames + phase;
            int k = (int)pos + 1;
            double u = pos - (int)pos;
            result[f] += (float)(amplitude * CatmullRom(knots[k - 1], knots[k], knots[k + 1], knots[k + 2], u));
        }
    }

    private static double CatmullRom(double p0, double p1, double p2, double p3, double t)
        => 0.5 * (2 * p1 + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t * t + (-p0 + 3 * p1 - 3 * p2 + p3) * t * t * t);
}
