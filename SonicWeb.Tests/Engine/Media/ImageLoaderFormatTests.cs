using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Media;
using SonicWeb.Tests.TestSupport;
using Xunit.Abstractions;

namespace SonicWeb.Tests.Engine.Media;

/// <summary>
/// Every kind of file the loader accepts, decoded in process (Skia) and compared with ffmpeg's decode of
/// the same file (the reference, and what the engine used before). Lossless files must match exactly;
/// lossy ones may differ only by the decoders' rounding and chroma upsampling.
/// </summary>
public class ImageLoaderFormatTests(ITestOutputHelper output)
{
    /// <summary>
    /// (file name, ffmpeg arguments making it from the astronaut, largest mean and largest single byte
    /// difference to ffmpeg's decode). Lossy formats: the decoders upsample chroma differently, which
    /// moves single pixels on sharp colour edges by up to ~35 levels (measured 27-35) but the mean by
    /// about one level (PSNR 41-43 dB); 16-bit PNG: the two round 16 to 8 bits differently (at most 1).
    /// </summary>
    public static TheoryData<string, string[], double, int> Formats() => new()
    {
        { "rgb.png", [], 0, 0 },
        { "rgba.png", ["-vf", "format=rgba,geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':a='X'"], 0, 0 },
        { "grey.png", ["-pix_fmt", "gray"], 0, 0 },
        { "rgb48.png", ["-pix_fmt", "rgb48be"], 0.6, 1 },
        { "q90-420.jpg", ["-q:v", "3", "-pix_fmt", "yuvj420p"], 1.5, 48 },
        { "q90-444.jpg", ["-q:v", "3", "-pix_fmt", "yuvj444p"], 0.2, 8 },
        { "lossy.webp", ["-quality", "90"], 1.6, 48 },
        { "lossless.webp", ["-lossless", "1"], 0, 0 },
        { "alpha.webp", ["-pix_fmt", "yuva420p", "-quality", "90"], 1.6, 48 },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Each_accepted_kind_decodes_like_ffmpeg(string name, string[] ffmpegArgs, double meanLimit, int maxLimit)
    {
        var path = TestMedia.Convert(TestMedia.AstronautPng, "formats-" + name, ffmpegArgs);
        var reference = TestMedia.LoadRgb(path);

        var image = await ImageLoader.LoadAsync(path, new MediaLimits(), CancellationToken.None);

        var (mean, max) = ImageCompare.AbsoluteDifference(reference, image);
        output.WriteLine($"{name}: {new FileInfo(path).Length} bytes, mean |diff| {mean:0.000}, max {max}, PSNR {ImageCompare.Psnr(reference, image):0.0} dB");
        Assert.Equal((512, 512), (image.Width, image.Height));
        Assert.InRange(mean, 0, meanLimit);
        Assert.InRange(max, 0, maxLimit);
        if (meanLimit > 0) Assert.InRange(ImageCompare.Psnr(reference, image), 40, double.PositiveInfinity);
    }

    [Fact]
    public async Task Greyscale_jpeg_decodes_like_ffmpeg()
    {
        // ffmpeg 5.1 cannot write a one-channel JPEG; Skia can (Gray8).
        var grey = ToGrey(TestMedia.LoadRgb(TestMedia.AstronautPng));
        var path = Path.Combine(MediaFixtures.NewFolder("grey-jpeg"), "grey.jpg");
        await File.WriteAllBytesAsync(path, EncodeGreyJpeg(grey, 512, 512));
        Assert.Equal("gray", TestMedia.Run("ffprobe", "-v", "error", "-show_entries", "stream=pix_fmt", "-of", "csv=p=0", path).Trim());

        var image = await ImageLoader.LoadAsync(path, new MediaLimits(), CancellationToken.None);

        var (mean, max) = ImageCompare.AbsoluteDifference(TestMedia.LoadRgb(path), image);
        output.WriteLine($"grey.jpg: mean |diff| {mean:0.000}, max {max}");
        Assert.InRange(mean, 0, 0.2);
        Assert.InRange(max, 0, 2);
        for (int i = 0; i < image.Pixels.Length; i += 3)
            Assert.True(image.Pixels[i] == image.Pixels[i + 1] && image.Pixels[i] == image.Pixels[i + 2], "grey stays grey");
    }

    private static byte[] ToGrey(RgbImage rgb)
    {
        var grey = new byte[rgb.Width * rgb.Height];
        for (int i = 0; i < grey.Length; i++)
            grey[i] = (byte)((rgb.Pixels[3 * i] * 77 + rgb.Pixels[3 * i + 1] * 150 + rgb.Pixels[3 * i + 2] * 29) >> 8);
        return grey;
    }

    private static unsafe byte[] EncodeGreyJpeg(byte[] grey, int width, int height)
    {
        fixed (byte* p = grey)
        {
            using var pixmap = new SkiaSharp.SKPixmap(new SkiaSharp.SKImageInfo(width, height, SkiaSharp.SKColorType.Gray8, SkiaSharp.SKAlphaType.Opaque), (nint)p, width);
            using var data = pixmap.Encode(new SkiaSharp.SKJpegEncoderOptions(90)) ?? throw new InvalidOperationException("Skia did not encode the grey JPEG");
            return data.ToArray();
        }
    }
}
