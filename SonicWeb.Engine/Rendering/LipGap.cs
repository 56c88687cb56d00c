using SonicWeb.Engine.Imaging;

namespace SonicWeb.Engine.Rendering;

/// <summary>
/// Where the photo shows something between the lips (teeth, or a dark gap), per x along the mouth:
/// the landmark inner-lip lines often sit on the teeth rather than on the lips' inner edges, so closing
/// the lips along them leaves a strip of teeth. Per column, starting between the landmark inner lips,
/// we walk up and down while the pixels look unlike the lips (colour closer to the teeth/gap sample
/// than to the lip sample) and stop at the lips' real inner edges, never further than most of the
/// lip's own thickness.
/// </summary>
internal static class LipGap
{
    /// <summary>The band's edges per x, and the colours sampled on the way (the lip bodies' median, the band's middle).</summary>
    public sealed record Result(float[] Top, float[] Bottom, Rgb LipColour, Rgb BandColour);

    public readonly record struct Rgb(float R, float G, float B);

    /// <summary>
    /// Returns, per x in [-inner, inner] (<paramref name="inner"/>: how far to look either side; sampled every <paramref name="step"/>), the top and bottom of
    /// the parted band in the mouth frame's y; (top, top) where the lips meet.
    /// </summary>
    public static Result Scan(RgbImage photo, LocalFrame frame, float inner, float step,
        Func<float, float> upperInner, Func<float, float> lowerInner, Func<float, float> outerUpper, Func<float, float> outerLower)
    {
        int n = (int)MathF.Ceiling(2 * inner / step) + 1;
        // Shadow and gums right under the upper lip read as lip-coloured: take the edges a little further.
        float margin = 0.05f * inner;
        var top = new float[n];
        var bottom = new float[n];
        // Colour samples: lip bodies (half-way between outer and inner lip lines) and the middle of the band.
        var lip = new List<(float, float, float)>();
        var band = new List<(float, float, float)>();
        for (float x = -0.5f * inner; x <= 0.5f * inner; x += 1)
        {
            lip.Add(Sample(photo, frame, x, 0.5f * (outerUpper(x) + upperInner(x))));
            lip.Add(Sample(photo, frame, x, 0.5f * (outerLower(x) + lowerInner(x))));
            if (lowerInner(x) - upperInner(x) > 1) band.Add(Sample(photo, frame, x, 0.5f * (upperInner(x) + lowerInner(x))));
        }
        var lipColour = MedianColour(lip);
        var bandColour = band.Count > 0 ? MedianColour(band) : lipColour;
        bool parted = band.Count > 0 && Distance(lipColour, bandColour) > 30;
        // Where a thin upper lip's landmark inner line lies in the middle of the teeth, half-way to the outer line is tooth,
        // and the median of the samples is no lip colour (group-three-men: the band then read as "not parted", and the lips
        // did not close over the teeth). Then the more coloured half of the samples is the lips.
        var lipReference = lipColour;
        if (!parted && band.Count > 0)
        {
            var coloured = MedianColour(lip.OrderByDescending(Chroma).Take((lip.Count + 1) / 2).ToList());
            if (Distance(coloured, bandColour) > 30) (parted, lipReference) = (true, coloured);
        }
        bool LipLike((float R, float G, float B) c) => Distance(c, lipReference) < Distance(c, bandColour);

        for (int i = 0; i < n; i++)
        {
            float x = -inner + i * step;
            float u = upperInner(x), l = lowerInner(x), mid = 0.5f * (u + l);
            if (!parted || l - u < 0.5f || LipLike(Sample(photo, frame, x, mid))) { top[i] = bottom[i] = mid; continue; }
            float upLimit = u - 0.85f * MathF.Max(0, u - outerUpper(x)), downLimit = l + 0.85f * MathF.Max(0, outerLower(x) - l);
            float y = mid;
            while (y - 0.5f > upLimit && !LipLike(Sample(photo, frame, x, y - 0.5f))) y -= 0.5f;
            top[i] = MathF.Min(MathF.Max(upLimit, y - margin), u);
            y = mid;
            while (y + 0.5f < downLimit && !LipLike(Sample(photo, frame, x, y + 0.5f))) y += 0.5f;
            bottom[i] = MathF.Max(MathF.Min(downLimit, y + margin), l);
        }
        return new Result(Outline(top, bottom, inner, step, above: true), Outline(top, bottom, inner, step, above: false),
            new Rgb(lipColour.Item1, lipColour.Item2, lipColour.Item3), new Rgb(bandColour.Item1, bandColour.Item2, bandColour.Item3));
    }

    /// <summary>
    /// The band's edges are ragged (tooth tips, gaps): a lip stretched to a ragged line shows streaks.
    /// Fit a parabola to the parted columns' edge and move it out until it holds 90% of them.
    /// </summary>
    private static float[] Outline(float[] top, float[] bottom, float inner, float step, bool above)
    {
        var edge = above ? top : bottom;
        var parted = Enumerable.Range(0, edge.Length).Where(i => bottom[i] - top[i] > 0.5f).ToList();
        if (parted.Count < 5) return edge;
        var fit = Quadratic.Fit(parted.Select(i => (-inner + i * step, edge[i])));
        var outside = parted.Select(i => above ? fit(-inner + i * step) - edge[i] : edge[i] - fit(-inner + i * step)).Order().ToList();
        float shift = MathF.Max(0, outside[(int)(0.9 * (outside.Count - 1))]);
        var result = new float[edge.Length];
        for (int i = 0; i < edge.Length; i++)
        {
            float x = -inner + i * step, f = above ? fit(x) - shift : fit(x) + shift;
            // Never past the scan's own limits on the other side of the band (where the lips already meet).
            result[i] = above ? MathF.Min(f, bottom[i]) : MathF.Max(f, top[i]);
        }
        return result;
    }

    internal static (float R, float G, float B) Sample(RgbImage photo, LocalFrame frame, float lx, float ly)
    {
        frame.ToImage(lx, ly, out float fx, out float fy);
        int x = Math.Clamp((int)MathF.Round(fx), 0, photo.Width - 1), y = Math.Clamp((int)MathF.Round(fy), 0, photo.Height - 1);
        int o = y * photo.Stride + 3 * x;
        return (photo.Pixels[o], photo.Pixels[o + 1], photo.Pixels[o + 2]);
    }

    private static float Chroma((float R, float G, float B) c) => MathF.Max(c.R, MathF.Max(c.G, c.B)) - MathF.Min(c.R, MathF.Min(c.G, c.B));

    private static float Distance((float R, float G, float B) a, (float R, float G, float B) b)
        => MathF.Sqrt((a.R - b.R) * (a.R - b.R) + (a.G - b.G) * (a.G - b.G) + (a.B - b.B) * (a.B - b.B));

    private static (float, float, float) MedianColour(List<(float R, float G, float B)> colours)
        => (Median.Of(colours.Select(c => c.R)), Median.Of(colours.Select(c => c.G)), Median.Of(colours.Select(c => c.B)));
}
