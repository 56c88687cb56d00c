using SonicWeb.Engine.Imaging;

namespace SonicWeb.Engine.Rendering;

/// <summary>
/// How far the photo's lower lip reaches above the landmark lower inner lip, per x along the mouth, where the photo shows
/// its own open mouth. The landmark line may run a source pixel or two inside the lower lip; an opening torn along it left
/// that strip of lip above the tear, a pink arc across the cavity once the jaw dropped (an open-mouthed woman from
/// @vladmandic/face-api's sample5, 1024). Per column we walk up from the landmark line while the photo is lighter than
/// half-way between the cavity's and the lips' luma, at most half-way to the upper inner lip; the per-column ends are
/// smoothed as <see cref="UpperTeethEdge"/> smooths the teeth's.
/// </summary>
internal static class LowerLipEdge
{
    private const float Step = 0.5f;
    private const float IntoTheDark = 1f;

    /// <summary>Per x in [-reach, reach] every <paramref name="step"/>: source px of lip above <paramref name="lowerInner"/> (0 or more).</summary>
    public static float[] Scan(RgbImage photo, LocalFrame frame, float reach, float step, float inner,
        Func<float, float> upperInner, Func<float, float> lowerInner, float cavityLuma, float lipLuma)
    {
        int n = (int)MathF.Ceiling(2 * reach / step) + 1;
        var above = new float[n];
        float threshold = 0.5f * (cavityLuma + lipLuma);
        for (int i = 0; i < n; i++)
        {
            float x = -reach + i * step, line = lowerInner(x);
            if (MathF.Abs(x) > inner) continue;
            float highest = line - 0.5f * MathF.Max(0, line - upperInner(x)), y = line;
            while (y - Step >= highest && Luma(photo, frame, x, y - Step) >= threshold) y -= Step;
            // A pixel into the dark: the row at the edge itself is half lip, and the cavity's soft top edge let it through
            // as a thin red line along the tear.
            above[i] = MathF.Min(line - y + IntoTheDark, line - highest);
        }
        return UpperTeethEdge.Smoothed(above, step, inner);
    }

    private static float Luma(RgbImage photo, LocalFrame frame, float lx, float ly)
    {
        var (r, g, b) = LipGap.Sample(photo, frame, lx, ly);
        return 0.299f * r + 0.587f * g + 0.114f * b;
    }
}
