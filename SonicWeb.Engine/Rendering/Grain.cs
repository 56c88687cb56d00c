using System.Runtime.CompilerServices;

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
}
