using System.Numerics;
using SonicWeb.Engine.Imaging;

namespace SonicWeb.Engine.Faces.Landmarks;

/// <summary>
/// Builds the network input the way face-api.js does: the face region is cut out of the image
/// (anything outside the image is black), padded to a square with black on both sides of its shorter
/// dimension (centred), resized to 112x112, and normalised per channel as (value - mean RGB) / 255.
/// Resizing is bilinear; when the square is more than ~1.5x larger than 112 each output pixel averages
/// a grid of bilinear samples (up to 4x4) so large faces are not aliased.
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
        float step = square.Width / n;
        int samples = Math.Clamp((int)MathF.Round(step), 1, 4);
        float subStep = step / samples;
        float weight = 1f / (samples * samples);

        for (int v = 0; v < n; v++)
        for (int u = 0; u < n; u++)
        {
            var rgb = Vector3.Zero;
            for (int sy = 0; sy < samples; sy++)
            for (int sx = 0; sx < samples; sx++)
            {
                // Continuous source coordinates (0 = left edge of pixel 0) of this sub-sample.
                float x = square.X + u * step + (sx + 0.5f) * subStep;
                float y = square.Y + v * step + (sy + 0.5f) * subStep;
                if (x < region.X || x >= region.Right || y < region.Y || y >= region.Bottom) continue; // square padding: black
                rgb += Bilinear(image, x - 0.5f, y - 0.5f);
            }
            var value = (rgb * weight - MeanRgb) / 255f;
            int o = (v * n + u) * 3;
            destination[o] = value.X;
            destination[o + 1] = value.Y;
            destination[o + 2] = value.Z;
        }
    }

    /// <summary>Bilinear sample at pixel-centre coordinates; pixels outside the image are black.</summary>
    private static Vector3 Bilinear(RgbImage image, float x, float y)
    {
        int x0 = (int)MathF.Floor(x), y0 = (int)MathF.Floor(y);
        float fx = x - x0, fy = y - y0;
        return (Pixel(image, x0, y0) * (1 - fx) + Pixel(image, x0 + 1, y0) * fx) * (1 - fy)
             + (Pixel(image, x0, y0 + 1) * (1 - fx) + Pixel(image, x0 + 1, y0 + 1) * fx) * fy;
    }

    private static Vector3 Pixel(RgbImage image, int x, int y)
    {
        if ((uint)x >= (uint)image.Width || (uint)y >= (uint)image.Height) return Vector3.Zero;
        int i = y * image.Stride + x * 3;
        var p = image.Pixels;
        return new Vector3(p[i], p[i + 1], p[i + 2]);
    }
}
