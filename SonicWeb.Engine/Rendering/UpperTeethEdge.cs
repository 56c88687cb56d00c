using SonicWeb.Engine.Imaging;

namespace SonicWeb.Engine.Rendering;

/// <summary>
/// How far the photo's upper teeth reach below the landmark lower inner lip, per x along the mouth. On a broad smile the
/// landmark line runs across the side teeth (the lateral incisors and canines hang lower than it follows), and an
/// opening torn along it cut those teeth off with a straight edge at wide openings. Per column we walk down from just
/// above the landmark line while the photo stays as light as the front teeth and no more coloured, and count the walk
/// only where it ends on a dark line (the shadow under the upper teeth); a lower lip is lighter than that shadow, and a
/// beard's pale hairs are not followed past it. The ragged per-column ends (tooth tips, gaps between teeth) are then
/// smoothed to one edge that leaves the landmark line gently going out from the middle.
/// </summary>
internal static class UpperTeethEdge
{
    private const float Step = 0.5f;
    private const float MaxSlope = 0.25f;

    /// <summary>Per x in [-reach, reach] every <paramref name="step"/>: source px of teeth below <paramref name="lowerInner"/> (0 or more).</summary>
    public static float[] Scan(RgbImage photo, LocalFrame frame, float reach, float step, float halfWidth, float inner,
        Func<float, float> upperInner, Func<float, float> lowerInner)
    {
        int n = (int)MathF.Ceiling(2 * reach / step) + 1;
        var below = new float[n];
        // The front teeth's light and colour: the middle fifth of the band between the landmark lips.
        var front = new List<(float Luma, float Chroma)>();
        for (float x = -0.2f * inner; x <= 0.2f * inner; x += 1)
            for (float t = 0.3f; t <= 0.7f; t += 0.2f)
                front.Add(Measure(photo, frame, x, upperInner(x) + t * (lowerInner(x) - upperInner(x))));
        if (front.Count == 0) return below;
        float teethLuma = Median.Of(front.Select(f => f.Luma)), teethChroma = Median.Of(front.Select(f => f.Chroma));
        bool TeethLike((float Luma, float Chroma) c) => c.Luma >= 0.72f * teethLuma && c.Chroma <= teethChroma + 25;
        bool Dark((float Luma, float Chroma) c) => c.Luma < 0.55f * teethLuma;

        float deepest = 0.2f * halfWidth;
        for (int i = 0; i < n; i++)
        {
            float x = -reach + i * step, line = lowerInner(x);
            if (MathF.Abs(x) > inner) continue;
            float y = line - 1;
            if (!TeethLike(Measure(photo, frame, x, y))) continue;
            while (y + Step <= line + deepest && TeethLike(Measure(photo, frame, x, y + Step))) y += Step;
            bool endsOnShadow = false;
            for (float d = Step; d <= 2f && !endsOnShadow; d += Step) endsOnShadow = Dark(Measure(photo, frame, x, y + d));
            if (endsOnShadow) below[i] = MathF.Max(0, y - line);
        }
        return Smoothed(below, step, inner);
    }

    /// <summary>
    /// An upper quartile over a fifth of the inner half width (a tooth's tip counts, the gap beside it does not), then a
    /// box average of the same width, a taper to nothing at the inner corners, a limit on the slope (the edge leaves and
    /// rejoins the landmark line by at most <see cref="MaxSlope"/> pixel per pixel along it, so the opening's top bends
    /// rather than steps) and a second average.
    /// </summary>
    internal static float[] Smoothed(float[] below, float step, float inner)
    {
        int n = below.Length, half = Math.Max(1, (int)(0.1f * inner / step));
        var quartile = new float[n];
        for (int i = 0; i < n; i++)
        {
            var window = below[Math.Max(0, i - half)..Math.Min(n, i + half + 1)].Order().ToArray();
            quartile[i] = window[(int)(0.75f * (window.Length - 1))];
        }
        var edge = BoxAverage(quartile, half);
        // It meets the landmark line at the inner corners, in a smooth curve.
        for (int i = 0; i < n; i++) edge[i] *= 1 - Smooth.Step(0.7f * inner, inner, MathF.Abs(-inner + i * step));
        // The largest edge below that one whose slope stays within MaxSlope either way (two sweeps), its kinks rounded
        // by a second average: a straight ramp drew a straight stretch into the opening's curve.
        float maxRise = MaxSlope * step;
        for (int i = 1; i < n; i++) edge[i] = MathF.Min(edge[i], edge[i - 1] + maxRise);
        for (int i = n - 2; i >= 0; i--) edge[i] = MathF.Min(edge[i], edge[i + 1] + maxRise);
        return BoxAverage(edge, half);
    }

    private static float[] BoxAverage(float[] values, int half)
    {
        int n = values.Length;
        var mean = new float[n];
        for (int i = 0; i < n; i++)
        {
            int a = Math.Max(0, i - half), b = Math.Min(n, i + half + 1);
            float sum = 0;
            for (int j = a; j < b; j++) sum += values[j];
            mean[i] = sum / (b - a);
        }
        return mean;
    }

    private static (float Luma, float Chroma) Measure(RgbImage photo, LocalFrame frame, float lx, float ly)
    {
        var (r, g, b) = LipGap.Sample(photo, frame, lx, ly);
        return (0.299f * r + 0.587f * g + 0.114f * b, MathF.Max(r, MathF.Max(g, b)) - MathF.Min(r, MathF.Min(g, b)));
    }
}
