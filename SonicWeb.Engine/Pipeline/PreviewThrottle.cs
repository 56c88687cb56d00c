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
        if (!Due(force)) return null;
        return ImageEncoder.Jpeg(Downscale(rgb, width, height, maxSide), 80);
    }

    /// <summary>The same from an I420 frame (what the encoder is fed).</summary>
    public byte[]? TryMakeFromI420(byte[] i420, int width, int height, bool force = false)
    {
        if (!Due(force)) return null;
        return ImageEncoder.Jpeg(DownscaleI420(i420, width, height, maxSide), 80);
    }

    private bool Due(bool force)
    {
        if (!force && _sinceLast.IsRunning && _sinceLast.Elapsed < interval) return false;
        _sinceLast.Restart();
        return true;
    }

    private static int FactorFor(int width, int height, int maxSide) =>
        Math.Max(1, (int)Math.Ceiling(Math.Max(width, height) / (double)maxSide));

    /// <summary>
    /// Box-filtered luma and the chroma sample nearest each box's centre, back to RGB (BT.601 limited
    /// range, the inverse of <see cref="I420Converter"/>); a preview does not need better.
    /// </summary>
    internal static RgbImage DownscaleI420(byte[] i420, int width, int height, int maxSide)
    {
        int factor = FactorFor(width, height, maxSide);
        int w = width / factor, h = height / factor, chromaWidth = width / 2;
        int uPlane = width * height, vPlane = uPlane + width * height / 4;
        var result = new RgbImage(w, h);
        var dst = result.Pixels;
        int area = factor * factor;
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            int sum = 0;
            for (int dy = 0; dy < factor; dy++)
            {
                int row = (y * factor + dy) * width + x * factor;
                for (int dx = 0; dx < factor; dx++) sum += i420[row + dx];
            }
            int chroma = (y * factor + factor / 2) / 2 * chromaWidth + (x * factor + factor / 2) / 2;
            float luma = 1.164383f * (sum / (float)area - 16), cb = i420[uPlane + chroma] - 128, cr = i420[vPlane + chroma] - 128;
            int o = (y * w + x) * 3;
            dst[o] = ToByte(luma + 1.596027f * cr);
            dst[o + 1] = ToByte(luma - 0.391762f * cb - 0.812968f * cr);
            dst[o + 2] = ToByte(luma + 2.017232f * cb);
        }
        return result;
    }

    private static byte ToByte(float value) => (byte)Math.Clamp((int)MathF.Round(value), 0, 255);

    /// <summary>Box-filter downscale by the smallest integer factor that fits <paramref name="maxSide"/>.</summary>
    internal static RgbImage Downscale(byte[] rgb, int width, int height, int maxSide)
    {
        int factor = FactorFor(width, height, maxSide);
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
