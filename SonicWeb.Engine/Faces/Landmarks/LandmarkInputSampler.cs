using System.Numerics;
using SonicWeb.Engine.Imaging;

namespace SonicWeb.Engine.Faces.Landmarks;

/// <summary>
/// Builds the network input the way face-api.js does: the face region is cut out of the image
/// (anything outside the image is black), padded to a square with black on both sides of its shorter
/// dimension (centred), resized to 112x112, and normalised per channel as (value - mean RGB) / 255.
/// Resizing is bilinear; when the square is about 1.5x or more larger than 112, each output pixel
/// averages a grid of bilinear samples (up to 4x4) so large faces are not aliased.
/// </summary>
internal static class LandmarkInputSampler
{
    /// <summary>Mean RGB of face-api's training data, subtracted before dividing by 255.</summary>
    private static readonly Vector3 MeanRgb = new(122.782f, 117.001f, 104.298f);

    /// <summary>The square (in source pixels) that the 112x112 input covers: region centre, side = longer side.</summary>
    public static RectF SquareAround(RectF region)
    {
        float side = MathF.Max(region.Width, region.Height);
        return RectF.FromCenter(region.Center, side, side);
    }

    public static void Fill(RgbImage image, RectF region, Span<float> destination)
    {
        int n = LandmarkNetwork.InputSize;
        if (destination.Length != n * n * 3) throw new ArgumentException("Expected a 112x112x3 buffer.", nameof(destination));
        var square = SquareAround(region);
        int samples = Math.Clamp((int)MathF.Round(square.Width / n), 1, 4);

        // Separable sampling: every sub-sample column has the same two source columns and weights
        // on every row (and likewise for rows), so they are worked out once.
        var columns = Taps(square.X, square.Width / n, samples, n, region.X, region.Right, image.Width);
        var rows = Taps(square.Y, square.Width / n, samples, n, region.Y, region.Bottom, image.Height);
        float norm = 1f / (samples * samples);
        var pixels = image.Pixels;
        int stride = image.Stride;

        for (int v = 0; v < n; v++)
        for (int u = 0; u < n; u++)
        {
            var rgb = Vector3.Zero;
            for (int sy = 0; sy < samples; sy++)
            {
                var row = rows[v * samples + sy];
                if (row.Weight0 == 0 && row.Weight1 == 0) continue;
                int row0 = row.Index0 * stride, row1 = row.Index1 * stride;
                for (int sx = 0; sx < samples; sx++)
                {
                    var col = columns[u * samples + sx];
                    int c0 = col.Index0 * 3, c1 = col.Index1 * 3;
                    var top = Rgb(pixels, row0 + c0) * col.Weight0 + Rgb(pixels, row0 + c1) * col.Weight1;
                    var bottom = Rgb(pixels, row1 + c0) * col.Weight0 + Rgb(pixels, row1 + c1) * col.Weight1;
                    rgb += top * row.Weight0 + bottom * row.Weight1;
                }
            }
            var value = (rgb * norm - MeanRgb) * (1f / 255f);
            int o = (v * n + u) * 3;
            destination[o] = value.X;
            destination[o + 1] = value.Y;
            destination[o + 2] = value.Z;
        }
    }

    /// <summary>Two source pixels and their bilinear weights along one axis; weight 0 means black.</summary>
    private readonly record struct Tap(int Index0, int Index1, float Weight0, float Weight1);

    /// <summary>
    /// For each of <paramref name="count"/> output pixels x <paramref name="samples"/> sub-samples along
    /// one axis: the bilinear taps at the sub-sample centre. Taps outside the image, and sub-samples
    /// outside the region (the square's padding), get weight 0 and a valid index.
    /// </summary>
    private static Tap[] Taps(float squareStart, float step, int samples, int count, float regionStart, float regionEnd, int imageSize)
    {
        var taps = new Tap[count * samples];
        float subStep = step / samples;
        for (int i = 0; i < taps.Length; i++)
        {
            // Continuous coordinate (0 = edge of pixel 0) of the sub-sample, then in pixel-centre units.
            float at = squareStart + (i + 0.5f) * subStep;
            if (at < regionStart || at >= regionEnd) { taps[i] = default; continue; }
            float centre = at - 0.5f;
            int i0 = (int)MathF.Floor(centre);
            float f = centre - i0;
            bool in0 = (uint)i0 < (uint)imageSize, in1 = (uint)(i0 + 1) < (uint)imageSize;
            taps[i] = new Tap(in0 ? i0 : 0, in1 ? i0 + 1 : 0, in0 ? 1 - f : 0, in1 ? f : 0);
        }
        return taps;
    }

    private static Vector3 Rgb(byte[] pixels, int i) => new(pixels[i], pixels[i + 1], pixels[i + 2]);
}
