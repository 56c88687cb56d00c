using System.Runtime.Intrinsics.X86;
using SonicWeb.Engine.Animation;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Tests.Engine.Media;
using SonicWeb.Tests.TestSupport;

namespace SonicWeb.Tests.Engine.Rendering;

/// <summary>
/// Frames rendered straight into I420 (what the encoder is fed): the AVX2 converter gives the scalar
/// converter's bytes, agrees with ffmpeg's own RGB -> yuv420p conversion, and the renderer's I420 output
/// is exactly its RGB output converted.
/// </summary>
public class I420OutputTests
{
    [Theory]
    [InlineData(70, 6)]    // not a multiple of 16: scalar tails on every row
    [InlineData(512, 8)]
    [InlineData(48, 2)]    // one row pair: the read-ahead guard leaves the end to the scalar path
    public unsafe void Simd_conversion_matches_the_scalar_conversion_byte_for_byte(int width, int height)
    {
        Assert.True(Avx2.IsSupported, "this machine has AVX2; without it only the scalar path runs");
        var rgb = new byte[width * height * 3];   // exactly one frame: no spare bytes for the vector loads
        new Random(7).NextBytes(rgb);
        var simd = new byte[I420Converter.FrameBytes(width, height)];
        var scalar = new byte[simd.Length];
        fixed (byte* src = rgb)
        fixed (byte* a = simd)
        fixed (byte* b = scalar)
        {
            I420Converter.ConvertRows(src, rgb.Length, width, height, 0, height, a);
            I420Converter.ConvertRows(src, rgb.Length, width, height, 0, height, b, allowSimd: false);
        }
        Assert.Equal(scalar, simd);
    }

    [Fact]
    public void Conversion_agrees_with_ffmpegs_own_yuv420p()
    {
        var photo = TestMedia.LoadRgb(TestMedia.AstronautPng);
        var ours = new byte[I420Converter.FrameBytes(photo.Width, photo.Height)];
        I420Converter.Convert(photo.Pixels, photo.Width, photo.Height, ours);
        var ffmpeg = TestMedia.RunBinary("ffmpeg", "-v", "error", "-i", TestMedia.AstronautPng, "-frames:v", "1",
            "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1");
        Assert.Equal(ffmpeg.Length, ours.Length);

        int lumaBytes = photo.Width * photo.Height;
        var (lumaMean, lumaMax) = Difference(ours, ffmpeg, 0, lumaBytes);
        var (chromaMean, _) = Difference(ours, ffmpeg, lumaBytes, ours.Length);
        Assert.True(lumaMax <= 1 && lumaMean < 0.2, $"luma differs from ffmpeg's by {lumaMean:0.###} on average, {lumaMax} at most");
        // ffmpeg filters chroma with its scaler's taps; ours is the plain 2x2 mean.
        Assert.True(chromaMean < 1.0, $"chroma differs from ffmpeg's by {chromaMean:0.###} on average");
    }

    [Fact]
    public void Rendering_into_I420_gives_the_RGB_frame_converted()
    {
        var renderer = RenderTestSupport.Renderer(256);
        // Mouth open, a blink and a turned head: every warp path runs.
        var pose = new FacePose(0.8f, 0.2f, 0.7f, 0.1f, -0.05f, 0.04f, 0.02f, -0.01f);
        var rgb = RenderTestSupport.Render(renderer, pose);
        var expected = new byte[renderer.I420FrameBytes];
        I420Converter.Convert(rgb.Pixels, rgb.Width, rgb.Height, expected);

        var actual = new byte[renderer.I420FrameBytes];
        renderer.RenderI420(pose, actual);
        Assert.Equal(expected, actual);
        renderer.RenderI420(pose, actual);   // the scratch rows are reused
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void The_preview_from_an_I420_frame_looks_like_the_preview_from_RGB()
    {
        var renderer = RenderTestSupport.Renderer(512);
        var rgb = RenderTestSupport.Render(renderer, FacePose.Neutral);
        var i420 = new byte[renderer.I420FrameBytes];
        renderer.RenderI420(FacePose.Neutral, i420);

        var fromRgb = PreviewThrottle.Downscale(rgb.Pixels, 512, 512, 320);
        var fromI420 = PreviewThrottle.DownscaleI420(i420, 512, 512, 320);
        Assert.Equal((256, 256), (fromI420.Width, fromI420.Height));
        Assert.InRange(ImageCompare.Psnr(fromRgb, fromI420), 35, 100);
    }

    private static (double Mean, int Max) Difference(byte[] a, byte[] b, int from, int to)
    {
        long sum = 0; int max = 0;
        for (int i = from; i < to; i++)
        {
            int d = Math.Abs(a[i] - b[i]);
            sum += d; max = Math.Max(max, d);
        }
        return (sum / (double)(to - from), max);
    }
}
