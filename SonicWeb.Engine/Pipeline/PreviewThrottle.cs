using System.Diagnostics;
using SonicWeb.Engine.Imaging;

namespace SonicWeb.Engine.Pipeline;

/// <summary>
/// Makes a small preview JPEG of a rendered frame at most once per interval, so progress events stay
/// cheap to compute and to push to browsers.
/// </summary>
internal sealed class PreviewThrottle(TimeSpan interval, int maxSide)
{
    private readonly Stopwatch _sinceLast = new();

    public byte[]? TryMake(byte[] rgb, int width, int height, bool force = false)
    {
        if (!force && _sinceLast.IsRunning && _sinceLast.Elapsed < interval) return null;
        _sinceLast.Restart();
        return ImageEncoder.Jpeg(Downscale(rgb, width, height, maxSide), 80);
    }

    /// <summary>Box-filter downscale by the smallest integer factor that fits <paramref name="maxSide"/>.</summary>
    internal static RgbImage Downscale(byte[] rgb, int width, int height, int maxSide)
    {
        int factor = Math.Max(1, (int)Math.Ceiling(Math.Max(width, height) / (double)maxSide));
        int w = width / factor, h = height / factor;
        var result = new RgbImage(w, h);
        var dst = result.Pixels;
        int area = factor * factor;
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            int r = 0, g = 0, b = 0;
            for (int dy = 0; dy < factor; dy++)
            {
                int row = ((y * factor + dy) * width + x * factor) * 3;
                for (int dx = 0; dx < factor; dx++)
                {
                    r += rgb[row + dx * 3];
                    g += rgb[row + dx * 3 + 1];
                    b += rgb[row + dx * 3 + 2];
                }
            }
            int o = (y * w + x) * 3;
            dst[o] = (byte)(r / area);
            dst[o + 1] = (byte)(g / area);
            dst[o + 2] = (byte)(b / area);
        }
        return result;
    }
}
