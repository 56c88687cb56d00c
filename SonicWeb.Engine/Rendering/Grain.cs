using System.Runtime.CompilerServices;
using SonicWeb.Engine.Imaging;

namespace SonicWeb.Engine.Rendering;

/// <summary>
/// Smooth value noise on the source photo's pixel grid: a fixed pseudo-random value per lattice point, interpolated
/// bilinearly in between, spread about 0 with a standard deviation of about 1. Laid over a synthesised surface, it gives
/// that surface the grain an enlarged photo has (one source pixel blurred over several output pixels), so it does not
/// read as a flat painted gradient. Deterministic: the same point gets the same value in every frame.
/// </summary>
internal static class Grain
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float At(float x, float y)
    {
        float fx = MathF.Floor(x), fy = MathF.Floor(y);
        int ix = (int)fx, iy = (int)fy;
        float tx = x - fx, ty = y - fy;
        float top = Lattice(ix, iy) + tx * (Lattice(ix + 1, iy) - Lattice(ix, iy));
        float bottom = Lattice(ix, iy + 1) + tx * (Lattice(ix + 1, iy + 1) - Lattice(ix, iy + 1));
        // A uniform value in [-0.5, 0.5] spreads by 0.289; bilinear blending narrows that to about 2/3 of it on average
        // over a cell (1/2 in its middle), 0.19: x 5.2 brings the spread to about 1.
        return 5.2f * (top + ty * (bottom - top));
    }

    /// <summary>A uniform value in [-0.5, 0.5] for one lattice point (an integer hash, no state).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Lattice(int x, int y)
    {
        uint h = unchecked((uint)x * 0x8DA6B343u ^ (uint)y * 0xD8163841u);
        h ^= h >> 15; h = unchecked(h * 0x2C1B3C6Du); h ^= h >> 12; h = unchecked(h * 0x297A2D39u); h ^= h >> 15;
        return (h & 0xFFFFFF) / (float)0xFFFFFF - 0.5f;
    }

    /// <summary>
    /// The photo's fine grain around <paramref name="at"/> as a share of its brightness: the spread of each pixel's luma
    /// about the mean of its 3 x 3 neighbourhood over a 7 x 5 patch (small enough to stay on a small face's lip). Skin pores, sensor noise and JPEG blocks all count;
    /// a drawn interior without them reads as painted beside the photo's own lips at 768-1024 px.
    /// </summary>
    public static float Relative(RgbImage photo, System.Numerics.Vector2 at)
    {
        float Luma(int x, int y)
        {
            x = Math.Clamp(x, 0, photo.Width - 1); y = Math.Clamp(y, 0, photo.Height - 1);
            int o = y * photo.Stride + 3 * x;
            return 0.299f * photo.Pixels[o] + 0.587f * photo.Pixels[o + 1] + 0.114f * photo.Pixels[o + 2];
        }
        int cx = (int)at.X, cy = (int)at.Y;
        double sumSq = 0, sumLuma = 0; int n = 0;
        for (int y = cy - 2; y <= cy + 2; y++)
            for (int x = cx - 3; x <= cx + 3; x++)
            {
                float mean = 0;
                for (int dy = -1; dy <= 1; dy++) for (int dx = -1; dx <= 1; dx++) mean += Luma(x + dx, y + dy);
                float here = Luma(x, y), detail = here - mean / 9;
                sumSq += detail * detail; sumLuma += here; n++;
            }
        return (float)(Math.Sqrt(sumSq / n) / Math.Max(20, sumLuma / n));
    }
}
