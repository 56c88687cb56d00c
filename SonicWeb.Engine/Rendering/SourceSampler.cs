using System.Runtime.CompilerServices;

namespace SonicWeb.Engine.Rendering;

/// <summary>
/// Bilinear RGB24 sampling with 8-bit fixed-point weights. Positions outside the image are mirrored
/// back inside (reflection), so a head moving near the frame edge never reveals black.
/// </summary>
internal static unsafe class SourceSampler
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sample(byte* src, int width, int height, float x, float y, out int r, out int g, out int b)
    {
        int x0 = (int)MathF.Floor(x), y0 = (int)MathF.Floor(y);
        int fx = (int)((x - x0) * 256f), fy = (int)((y - y0) * 256f);
        int stride = width * 3;
        byte* p00, p01, p10, p11;
        if ((uint)x0 < (uint)(width - 1) && (uint)y0 < (uint)(height - 1))
        {
            p00 = src + y0 * stride + x0 * 3;
            p01 = p00 + 3; p10 = p00 + stride; p11 = p10 + 3;
        }
        else
        {
            int xa = Reflect(x0, width) * 3, xb = Reflect(x0 + 1, width) * 3;
            int ya = Reflect(y0, height) * stride, yb = Reflect(y0 + 1, height) * stride;
            p00 = src + ya + xa; p01 = src + ya + xb; p10 = src + yb + xa; p11 = src + yb + xb;
        }
        int w11 = fx * fy, w10 = (256 - fx) * fy, w01 = fx * (256 - fy), w00 = (256 - fx) * (256 - fy);
        r = (p00[0] * w00 + p01[0] * w01 + p10[0] * w10 + p11[0] * w11 + 32768) >> 16;
        g = (p00[1] * w00 + p01[1] * w01 + p10[1] * w10 + p11[1] * w11 + 32768) >> 16;
        b = (p00[2] * w00 + p01[2] * w01 + p10[2] * w10 + p11[2] * w11 + 32768) >> 16;
    }

    /// <summary>Mirror an index into [0, n): ... 1 0 | 0 1 2 ... n-1 | n-1 n-2 ...</summary>
    public static int Reflect(int i, int n)
    {
        int period = 2 * n;
        int m = i % period;
        if (m < 0) m += period;
        return m < n ? m : period - 1 - m;
    }
}
