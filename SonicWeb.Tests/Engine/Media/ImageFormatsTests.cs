using SonicWeb.Engine.Media;
using SonicWeb.Tests.TestSupport;

namespace SonicWeb.Tests.Engine.Media;

public class ImageFormatsTests
{
    [Theory]
    [InlineData("png", new string[0], ImageFormat.Png)]
    [InlineData("jpg", new string[0], ImageFormat.Jpeg)]
    [InlineData("jpg", new[] { "-pix_fmt", "yuvj420p" }, ImageFormat.Jpeg)]
    [InlineData("webp", new string[0], ImageFormat.WebP)]
    [InlineData("webp", new[] { "-lossless", "1" }, ImageFormat.WebP)]
    public void Header_size_matches_what_ffprobe_reports(string extension, string[] args, ImageFormat format)
    {
        // An odd, non-square size so swapped or off-by-one fields show.
        var path = TestMedia.Convert(TestMedia.AstronautPng, $"header-{extension}-{args.Length}.{extension}", ["-vf", "scale=301:173", .. args]);
        var header = ImageFormats.ReadHeader(File.ReadAllBytes(path));

        Assert.NotNull(header);
        Assert.Equal(format, header!.Format);
        var probed = TestMedia.Run("ffprobe", "-v", "error", "-show_entries", "stream=width,height", "-of", "csv=p=0", path).Trim();
        Assert.Equal(probed, $"{header.Width},{header.Height}");
        Assert.Equal("301,173", probed);
    }

    [Fact]
    public void Extended_webp_header_written_by_exiftool_is_read()
    {
        var header = ImageFormats.ReadHeader(File.ReadAllBytes(MediaFixtures.MarkedImage("webp", 6)));
        Assert.Equal(new ImageHeader(ImageFormat.WebP, 80, 40), header);
    }

    [Fact]
    public void Text_and_cut_headers_are_not_images()
    {
        Assert.Equal(ImageFormat.Unknown, ImageFormats.Detect("hello, this is text"u8));
        Assert.Null(ImageFormats.ReadHeader("hello"u8));
        var png = File.ReadAllBytes(TestMedia.AstronautPng);
        Assert.Equal(ImageFormat.Png, ImageFormats.Detect(png.AsSpan(0, 10)));
        Assert.Null(ImageFormats.ReadHeader(png.AsSpan(0, 20)));
    }
}
