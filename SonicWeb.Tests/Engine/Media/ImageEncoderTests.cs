using System.Diagnostics;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Media;
using SonicWeb.Tests.TestSupport;
using Xunit.Abstractions;

namespace SonicWeb.Tests.Engine.Media;

/// <summary>JPEG and PNG files as the engine writes them (Skia), checked by decoding them with ffmpeg.</summary>
public class ImageEncoderTests(ITestOutputHelper output)
{
    private static RgbImage Astronaut => TestMedia.LoadRgb(TestMedia.AstronautPng);

    [Theory]
    [InlineData(512, 512)]
    [InlineData(301, 173)] // not a multiple of the 16x16 block: edges are padded
    public void Jpeg_at_quality_85_decodes_above_30_db(int width, int height)
    {
        var source = width == 512 ? Astronaut : TestMedia.LoadRgb(TestMedia.Convert(TestMedia.AstronautPng, $"astronaut-{width}x{height}.png", "-vf", $"scale={width}:{height}"));

        var jpeg = ImageEncoder.Jpeg(source, 85);

        var path = Path.Combine(MediaFixtures.NewFolder("jpeg"), "out.jpg");
        File.WriteAllBytes(path, jpeg);
        var decoded = TestMedia.LoadRgb(path);
        double psnr = ImageCompare.Psnr(source, decoded);
        output.WriteLine($"{width}x{height} q85: {jpeg.Length} bytes, PSNR {psnr:0.0} dB");
        Assert.InRange(psnr, 30, 100);
        Assert.Equal(ImageFormat.Jpeg, ImageFormats.Detect(jpeg));
        Assert.Equal(new ImageHeader(ImageFormat.Jpeg, width, height), ImageFormats.ReadHeader(jpeg));
    }

    [Fact]
    public void Jpeg_quality_trades_size_for_fidelity()
    {
        var source = Astronaut;
        var low = ImageEncoder.Jpeg(source, 30);
        var high = ImageEncoder.Jpeg(source, 95);
        var dir = MediaFixtures.NewFolder("jpeg-q");
        File.WriteAllBytes(Path.Combine(dir, "low.jpg"), low);
        File.WriteAllBytes(Path.Combine(dir, "high.jpg"), high);

        Assert.True(low.Length < high.Length / 2, $"q30 {low.Length} bytes vs q95 {high.Length} bytes");
        Assert.True(ImageCompare.Psnr(source, TestMedia.LoadRgb(Path.Combine(dir, "high.jpg")))
                    > ImageCompare.Psnr(source, TestMedia.LoadRgb(Path.Combine(dir, "low.jpg"))) + 3);
    }

    [Fact]
    public void Jpeg_of_saturated_colours_and_hard_edges_stays_in_range()
    {
        // Pure red/green/blue/white/black bars stress clamping and the largest coefficients.
        var image = new RgbImage(64, 32);
        byte[][] colours = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255], [0, 0, 0], [255, 255, 0], [0, 255, 255], [255, 0, 255]];
        for (int y = 0; y < 32; y++)
        for (int x = 0; x < 64; x++)
            colours[x / 8].CopyTo(image.Row(y).Slice(x * 3, 3));
        var path = Path.Combine(MediaFixtures.NewFolder("jpeg-bars"), "bars.jpg");
        File.WriteAllBytes(path, ImageEncoder.Jpeg(image, 95));

        var decoded = TestMedia.LoadRgb(path);
        // Centre of each bar keeps its colour (4:2:0 blurs chroma only across bar edges).
        for (int bar = 0; bar < 8; bar++)
        {
            int i = (16 * 64 + bar * 8 + 4) * 3;
            for (int c = 0; c < 3; c++)
                Assert.InRange(decoded.Pixels[i + c], colours[bar][c] - 40, colours[bar][c] + 40);
        }
    }

    [Fact]
    public void Png_round_trips_exactly()
    {
        var source = Astronaut;
        var stopwatch = Stopwatch.StartNew();
        var png = ImageEncoder.Png(source);
        output.WriteLine($"ImageEncoder.Png 512x512: {png.Length} bytes in {stopwatch.Elapsed.TotalMilliseconds:0.0} ms");

        var path = Path.Combine(MediaFixtures.NewFolder("png"), "out.png");
        File.WriteAllBytes(path, png);
        Assert.Equal(source.Pixels, TestMedia.LoadRgb(path).Pixels);
        Assert.Equal(new ImageHeader(ImageFormat.Png, 512, 512), ImageFormats.ReadHeader(png));
        // ffmpeg would accept a bad CRC silently; pngcheck-like verification via our reader of chunk CRCs:
        Assert.True(PngChunksHaveValidCrc(png));
    }

    [Fact]
    public void Png_of_odd_size_round_trips_exactly()
    {
        var image = new RgbImage(7, 5);
        new Random(7).NextBytes(image.Pixels);
        var path = Path.Combine(MediaFixtures.NewFolder("png-odd"), "odd.png");
        File.WriteAllBytes(path, ImageEncoder.Png(image));

        Assert.Equal(image.Pixels, TestMedia.LoadRgb(path).Pixels);
    }

    /// <summary>Recomputes each chunk's CRC-32 with the standard polynomial, bit by bit.</summary>
    private static bool PngChunksHaveValidCrc(byte[] png)
    {
        int pos = 8;
        while (pos + 12 <= png.Length)
        {
            int length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            uint stored = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + length));
            uint crc = 0xFFFFFFFF;
            foreach (var b in png.AsSpan(pos + 4, 4 + length))
            {
                crc ^= b;
                for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320 & (uint)-(int)(crc & 1));
            }
            if ((crc ^ 0xFFFFFFFF) != stored) return false;
            pos += 12 + length;
        }
        return pos == png.Length;
    }
}
