using System.Numerics;
using SonicWeb.Engine.Faces;
using SonicWeb.Engine.Imaging;

namespace SonicWeb.Engine.Rendering;

/// <summary>
/// How soft the photo's own edges are around the mouth, as the standard deviation (source px) of a Gaussian blur that
/// would turn a sharp step into them. The drawn mouth interior must be no crisper than the photo around it: a soft or
/// upscaled photo's lips with crisp drawn teeth between them read as pasted on (a tilted woman cut small from
/// @vladmandic/face-api's sample5, at 1024).
/// </summary>
/// <remarks>
/// Two gradients per pixel, over one pixel either side and over two: on a blurred step the wider one keeps more of the
/// narrower one's strength the softer the step is (half of it on a perfectly sharp step, all of it on a very soft one).
/// The median of that ratio over the region's strongest edges, inverted through the blurred step's profile, is the blur.
/// </remarks>
internal static class EdgeSoftness
{
    /// <summary>Share of the edge middles found, strongest first, that are measured (the clearest edges).</summary>
    private const float EdgeShare = 0.3f;
    /// <summary>Pixels kept round the measured box: two either side for the wider difference, one for interpolating.</summary>
    public const int Margin = 3;
    /// <summary>Fewer edge middles than this and the region has no edges to judge by.</summary>
    private const int MinEdgePoints = 20;
    /// <summary>Below this gradient (luma per px) a pixel is noise or flat skin, not an edge.</summary>
    private const float MinEdgeGradient = 6f;
    /// <summary>What a region without clear edges (or no photo) counts as: a sharp photo, which changes nothing downstream.</summary>
    public const float Sharp = 0.5f;

    /// <summary>The blur of the photo's edges around the mouth (lips, nostrils, chin), in source px.</summary>
    public static float AroundMouth(RgbImage photo, FaceLandmarks landmarks)
    {
        var p = landmarks.Points;
        float halfWidth = Vector2.Distance(p[48], p[54]) / 2;
        float minX = float.MaxValue, maxX = float.MinValue, maxY = float.MinValue;
        for (int i = 48; i < 68; i++) { minX = MathF.Min(minX, p[i].X); maxX = MathF.Max(maxX, p[i].X); maxY = MathF.Max(maxY, p[i].Y); }
        int x0 = Math.Max(Margin, (int)(minX - 0.6f * halfWidth)), x1 = Math.Min(photo.Width - 1 - Margin, (int)(maxX + 0.6f * halfWidth));
        int y0 = Math.Max(Margin, (int)MathF.Min(p[33].Y, p[51].Y - 0.3f * halfWidth)), y1 = Math.Min(photo.Height - 1 - Margin, (int)(maxY + 0.5f * halfWidth));
        return Measure(photo, x0, y0, x1, y1);
    }

    /// <summary>The blur of the edges in the box [x0, x1] x [y0, y1] (at least <see cref="Margin"/> px inside the photo).</summary>
    public static float Measure(RgbImage photo, int x0, int y0, int x1, int y1)
    {
        if (x1 - x0 < 8 || y1 - y0 < 8) return Sharp;
        int w = x1 - x0 + 1 + 2 * Margin, h = y1 - y0 + 1 + 2 * Margin;
        var luma = new float[w * h];
        for (int y = 0; y < h; y++)
        {
            var row = photo.Row(y0 - Margin + y);
            for (int x = 0; x < w; x++)
            {
                int o = 3 * (x0 - Margin + x);
                luma[y * w + x] = 0.299f * row[o] + 0.587f * row[o + 1] + 0.114f * row[o + 2];
            }
        }
        var narrow = new float[w * h];
        for (int y = 1; y < h - 1; y++)
            for (int x = 1; x < w - 1; x++)
            {
                int i = y * w + x;
                float nx = (luma[i + 1] - luma[i - 1]) / 2, ny = (luma[i + w] - luma[i - w]) / 2;
                narrow[i] = MathF.Sqrt(nx * nx + ny * ny);
            }
        float At(float x, float y)
        {
            int ix = (int)x, iy = (int)y;
            float fx = x - ix, fy = y - iy;
            int i = iy * w + ix;
            return (luma[i] * (1 - fx) + luma[i + 1] * fx) * (1 - fy) + (luma[i + w] * (1 - fx) + luma[i + w + 1] * fx) * fy;
        }
        var near = new List<(float Gradient, float Ratio)>();
        for (int y = Margin; y < h - Margin; y++)
            for (int x = Margin; x < w - Margin; x++)
            {
                int i = y * w + x;
                float g = narrow[i];
                if (g < MinEdgeGradient) continue;
                // Only an edge's middle, where its gradient peaks across it: off the middle the ratio says nothing about the blur.
                float nx = luma[i + 1] - luma[i - 1], ny = luma[i + w] - luma[i - w];
                int across = MathF.Abs(nx) >= MathF.Abs(ny) ? 1 : w;
                if (g < narrow[i - across] || g < narrow[i + across]) continue;
                // Both differences straight across the edge (a slanted edge's pixel rows cross it at a longer distance).
                float len = MathF.Sqrt(nx * nx + ny * ny), ux = nx / len, uy = ny / len;
                float one = MathF.Abs(At(x + ux, y + uy) - At(x - ux, y - uy)) / 2;
                float two = MathF.Abs(At(x + 2 * ux, y + 2 * uy) - At(x - 2 * ux, y - 2 * uy)) / 4;
                if (one > 0) near.Add((one, two / one));
            }
        if (near.Count < MinEdgePoints) return Sharp;
        int take = Math.Max(MinEdgePoints, (int)(EdgeShare * near.Count));
        near.Sort((a, b) => b.Gradient.CompareTo(a.Gradient));
        var ratios = near.Take(take).Select(e => e.Ratio).Order().ToArray();
        return BlurOfRatio(ratios[ratios.Length / 2]);
    }

    /// <summary>
    /// The Gaussian blur s whose step gives <paramref name="ratio"/> = wide / narrow gradient at its middle:
    /// erf(2 / (s√2)) / 4 over erf(1 / (s√2)) / 2 (0.5 for a sharp step, towards 1 for a soft one).
    /// </summary>
    public static float BlurOfRatio(float ratio)
    {
        float lo = 0.2f, hi = 6f;
        if (ratio <= RatioOfBlur(lo)) return lo;
        if (ratio >= RatioOfBlur(hi)) return hi;
        for (int i = 0; i < 40; i++)
        {
            float mid = (lo + hi) / 2;
            if (RatioOfBlur(mid) < ratio) lo = mid; else hi = mid;
        }
        return (lo + hi) / 2;
    }

    public static float RatioOfBlur(float s) => Erf(2 / (s * MathF.Sqrt(2))) / (2 * Erf(1 / (s * MathF.Sqrt(2))));

    /// <summary>The error function (Abramowitz and Stegun 7.1.26, error below 1.5e-7); .NET has none.</summary>
    private static float Erf(float x)
    {
        double t = 1 / (1 + 0.3275911 * Math.Abs(x));
        double y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return (float)(x < 0 ? -y : y);
    }
}
