using System.Buffers;
using SkiaSharp;

namespace SonicWeb.Engine.Imaging;

/// <summary>
/// JPEG and PNG files of an <see cref="RgbImage"/>, encoded by Skia (libjpeg-turbo, libpng): preview
/// frames, the history's thumbnails and the quality tool's contact sheets.
/// </summary>
public static class ImageEncoder
{
    /// <summary>Baseline JPEG with 4:2:0 chroma, <paramref name="quality"/> 1..100.</summary>
    public static byte[] Jpeg(RgbImage image, int quality)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        return Encode(image, pixmap => pixmap.Encode(new SKJpegEncoderOptions(quality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore)));
    }

    /// <summary>
    /// A JPEG at most <paramref name="maxSide"/> pixels on its long side (never enlarged), scaled by Skia with
    /// mipmaps: the new video page's thumbnail of the chosen photo, upright as the engine sees it.
    /// </summary>
    public static byte[] JpegThumbnail(RgbImage image, int maxSide, int quality)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSide, 1);
        double scale = Math.Min(1.0, (double)maxSide / Math.Max(image.Width, image.Height));
        int width = Math.Max(1, (int)Math.Round(image.Width * scale)), height = Math.Max(1, (int)Math.Round(image.Height * scale));
        return Encode(image, pixmap =>
        {
            using var scaled = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
            if (!pixmap.ScalePixels(scaled.PeekPixels(), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear))) return null;
            using var scaledPixmap = scaled.PeekPixels();
            return scaledPixmap.Encode(new SKJpegEncoderOptions(quality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore));
        });
    }

    /// <summary>Lossless 8-bit RGB PNG.</summary>
    public static byte[] Png(RgbImage image) => Encode(image, pixmap => pixmap.Encode(SKPngEncoderOptions.Default));

    /// <summary>
    /// A JPEG of an already encoded picture (a remote backend's PNG or JPEG preview), scaled down to
    /// at most <paramref name="maxSide"/>; null when Skia cannot decode the bytes.
    /// </summary>
    public static byte[]? JpegFromEncoded(byte[] encoded, int quality, int maxSide)
    {
        using var source = SKBitmap.Decode(encoded);
        if (source is null) return null;
        double scale = Math.Min(1.0, maxSide / (double)Math.Max(source.Width, source.Height));
        var size = new SKImageInfo(Math.Max(1, (int)(source.Width * scale)), Math.Max(1, (int)(source.Height * scale)));
        using var scaled = scale < 1 ? source.Resize(size, new SKSamplingOptions(SKFilterMode.Linear)) : null;
        using var pixmap = (scaled ?? source).PeekPixels();
        using var data = pixmap.Encode(new SKJpegEncoderOptions(quality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore));
        return data?.ToArray();
    }

    private static unsafe byte[] Encode(RgbImage image, Func<SKPixmap, SKData?> encode)
    {
        // Skia has no 24-bit pixel format: widen to opaque RGBA first (a 320 px preview: ~0.1 ms).
        int pixels = image.Width * image.Height;
        var rgba = ArrayPool<byte>.Shared.Rent(pixels * 4);
        try
        {
            var rgb = image.Pixels;
            for (int i = 0, o = 0; i < pixels * 3; i += 3, o += 4)
            {
                rgba[o] = rgb[i];
                rgba[o + 1] = rgb[i + 1];
                rgba[o + 2] = rgb[i + 2];
                rgba[o + 3] = 255;
            }
            fixed (byte* p = rgba)
            {
                var info = new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
                using var pixmap = new SKPixmap(info, (nint)p, image.Width * 4);
                using var data = encode(pixmap)
                    ?? throw new InvalidOperationException($"Skia could not encode a {image.Width}x{image.Height} image.");
                return data.ToArray();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rgba);
        }
    }
}
