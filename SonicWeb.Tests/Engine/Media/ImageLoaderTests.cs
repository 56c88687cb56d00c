using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Media;
using SonicWeb.Tests.TestSupport;

namespace SonicWeb.Tests.Engine.Media;

public class ImageLoaderTests
{
    private static readonly MediaLimits Limits = new();

    [Fact]
    public async Task Png_loads_pixel_exact()
    {
        var image = await ImageLoader.LoadAsync(TestMedia.AstronautPng, Limits, CancellationToken.None);

        var reference = TestMedia.LoadRgb(TestMedia.AstronautPng);
        Assert.Equal((512, 512), (image.Width, image.Height));
        Assert.Equal(reference.Pixels, image.Pixels);
    }

    [Theory]
    [InlineData("jpg")]
    [InlineData("webp")]
    public async Task Lossy_formats_load_close_to_the_source(string extension)
    {
        var path = TestMedia.Convert(TestMedia.AstronautPng, "loader-astronaut-q." + extension, "-q:v", extension == "jpg" ? "2" : "90");

        var image = await ImageLoader.LoadAsync(path, Limits, CancellationToken.None);

        Assert.Equal((512, 512), (image.Width, image.Height));
        Assert.InRange(ImageCompare.Psnr(TestMedia.LoadRgb(TestMedia.AstronautPng), image), 30, 100);
    }

    /// <summary>Corner (as displayed) of the stored top-left red and stored top-right green squares.</summary>
    public static TheoryData<string, int, string, string> Orientations()
    {
        var data = new TheoryData<string, int, string, string>();
        (int Orientation, string Red, string Green)[] corners =
            [(1, "TL", "TR"), (2, "TR", "TL"), (3, "BR", "BL"), (4, "BL", "BR"), (5, "TL", "BL"), (6, "TR", "BR"), (7, "BR", "TR"), (8, "BL", "TL")];
        foreach (var extension in new[] { "jpg", "webp", "png" })
            foreach (var (orientation, red, green) in corners)
                data.Add(extension, orientation, red, green);
        return data;
    }

    /// <summary>JPEG and WebP through Skia's encoded origin, PNG through our eXIf reader; tags written by exiftool.</summary>
    [Theory]
    [MemberData(nameof(Orientations))]
    public async Task Exif_orientation_is_applied(string extension, int orientation, string redCorner, string greenCorner)
    {
        var image = await ImageLoader.LoadAsync(MediaFixtures.MarkedImage(extension, orientation), Limits, CancellationToken.None);

        bool turned = orientation >= 5;
        Assert.Equal(turned ? (40, 80) : (80, 40), (image.Width, image.Height));
        Assert.Equal(redCorner, CornerOf(image, IsRed));
        Assert.Equal(greenCorner, CornerOf(image, IsGreen));
    }

    [Fact]
    public async Task Empty_file_is_unsupported()
    {
        var e = await LoadFails(MediaFixtures.WriteFile("empty.png", []), Limits, EngineErrorCodes.UnsupportedImage);
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public async Task Truncated_png_is_unsupported()
    {
        var png = File.ReadAllBytes(TestMedia.AstronautPng);
        var e = await LoadFails(MediaFixtures.WriteFile("cut.png", png[..(png.Length / 2)]), Limits, EngineErrorCodes.UnsupportedImage);
        Assert.Contains("truncated", e.Message);
    }

    [Theory]
    [InlineData("jpg")]
    [InlineData("webp")]
    public async Task Truncated_jpeg_and_webp_are_unsupported(string extension)
    {
        var whole = File.ReadAllBytes(TestMedia.Convert(TestMedia.AstronautPng, "loader-astronaut-q." + extension, "-q:v", extension == "jpg" ? "2" : "90"));
        var e = await LoadFails(MediaFixtures.WriteFile("cut." + extension, whole[..(whole.Length * 2 / 3)]), Limits, EngineErrorCodes.UnsupportedImage);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public async Task Text_file_named_png_is_unsupported_and_the_message_lists_accepted_types()
    {
        var e = await LoadFails(MediaFixtures.WriteFile("notes.png", "just some text\n"u8.ToArray()), Limits, EngineErrorCodes.UnsupportedImage);
        Assert.Contains("PNG, JPEG or WebP", e.Message);
    }

    [Fact]
    public async Task Too_many_pixels_is_rejected_before_decoding_naming_size_and_limit()
    {
        var e = await LoadFails(TestMedia.AstronautPng, new MediaLimits { MaxImagePixels = 1 }, EngineErrorCodes.ImageTooLarge);
        Assert.Contains("512x512", e.Message);
        Assert.Contains("Engine:Limits:MaxImagePixels", e.Message);
    }

    [Fact]
    public async Task Too_long_side_is_rejected()
    {
        var e = await LoadFails(TestMedia.AstronautPng, new MediaLimits { MaxImageSide = 500 }, EngineErrorCodes.ImageTooLarge);
        Assert.Contains("500", e.Message);
        Assert.Contains("Engine:Limits:MaxImageSide", e.Message);
    }

    [Fact]
    public async Task Oversized_file_is_rejected_by_byte_limit()
    {
        var e = await LoadFails(TestMedia.AstronautPng, new MediaLimits { MaxImageBytes = 100_000 }, EngineErrorCodes.FileTooLarge);
        Assert.Contains("0.1 MB", e.Message);
        Assert.Contains("Engine:Limits:MaxImageBytes", e.Message);
    }

    private static async Task<SonicEngineException> LoadFails(string path, MediaLimits limits, string code)
    {
        var e = await Assert.ThrowsAsync<SonicEngineException>(() => ImageLoader.LoadAsync(path, limits, CancellationToken.None));
        Assert.Equal(code, e.Code);
        return e;
    }

    private static bool IsRed(byte r, byte g, byte b) => r > 180 && g < 90 && b < 90;

    private static bool IsGreen(byte r, byte g, byte b) => g > 180 && r < 90 && b < 90;

    /// <summary>Which corner (TL, TR, BL, BR) has the colour, sampled 4 pixels in from each corner.</summary>
    private static string CornerOf(RgbImage image, Func<byte, byte, byte, bool> colour)
    {
        int w = image.Width, h = image.Height;
        var corners = new (string Name, int X, int Y)[] { ("TL", 4, 4), ("TR", w - 5, 4), ("BL", 4, h - 5), ("BR", w - 5, h - 5) };
        var hits = corners.Where(c =>
        {
            int i = (c.Y * w + c.X) * 3;
            return colour(image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2]);
        }).Select(c => c.Name).ToList();
        return hits.Count == 1 ? hits[0] : $"none-or-many({string.Join(",", hits)})";
    }
}
