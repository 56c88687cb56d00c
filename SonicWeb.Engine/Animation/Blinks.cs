namespace SonicWeb.Engine.Animation;

/// <summary>
/// Natural eye blinks: one every 2-6 s (seeded), each 200-300 ms long (at 25 fps a shorter one showed
/// only the shut frame, a flicker rather than a lid moving), closing fast (under a third of
/// the blink) and reopening slowly. Blinks are placed so their fully-closed instant falls on a frame,
/// otherwise a 25 fps sampling could miss the closed state altogether.
/// </summary>
internal static class Blinks
{
    public const double MinIntervalSeconds = 2.0;
    public const double MaxIntervalSeconds = 6.0;
    public const double MinDurationSeconds = 0.2;
    public const double MaxDurationSeconds = 0.3;
    private const double ClosingFraction = 0.3;

    public static float[] Generate(int frameCount, int fps, int seed)
    {
        var blink = new float[frameCount];
        var rng = SeededRandom.For(seed, "blinks");
        double t = rng.Range(0.6, 2.5); // first blink comes a little sooner than a full interval
        double clipSeconds = frameCount / (double)fps;
        while (t < clipSeconds)
        {
            double duration = rng.Range(MinDurationSeconds, MaxDurationSeconds);
            int peakFrame = (int)Math.Round(t * fps);
            AddBlink(blink, fps, peakFrame / (double)fps, duration);
            t += rng.Range(MinIntervalSeconds, MaxIntervalSeconds);
        }
        return blink;
    }

    private static void AddBlink(float[] blink, int fps, double peakSeconds, double duration)
    {
        double close = duration * ClosingFraction, open = duration - close;
        int first = (int)Math.Floor((peakSeconds - close) * fps), last = (int)Math.Ceiling((peakSeconds + open) * fps);
        for (int f = Math.Max(0, first); f <= Math.Min(blink.Length - 1, last); f++)
        {
            double dt = f / (double)fps - peakSeconds;
            double v = dt <= 0
                ? EaseIn(1 + dt / close)          // lid accelerates down
                : 1 - EaseOut(dt / open);         // and glides back up
            blink[f] = Math.Max(blink[f], (float)Math.Clamp(v, 0, 1));
        }
    }

    private static double EaseIn(double x) => x <= 0 ? 0 : x * x;
    private static double EaseOut(double x) => x >= 1 ? 1 : 1 - (1 - x) * (1 - x);
}
