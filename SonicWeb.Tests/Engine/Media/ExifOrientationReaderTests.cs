using SonicWeb.Engine.Media;

namespace SonicWeb.Tests.Engine.Media;

public class ExifOrientationReaderTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(6)]
    [InlineData(8)]
    public void Reads_orientation_written_by_exiftool_into_a_png_exif_chunk(int orientation)
    {
        var bytes = File.ReadAllBytes(MediaFixtures.MarkedImage("png", orientation));
        Assert.Equal(orientation, ExifOrientationReader.Read(bytes));
    }

    [Theory]
    [InlineData("jpg")]
    [InlineData("webp")]
    public void Jpeg_and_webp_are_left_to_skia(string extension)
    {
        // Skia's encoded origin covers these (ImageLoaderTests); this reader only answers for PNG.
        var bytes = File.ReadAllBytes(MediaFixtures.MarkedImage(extension, 6));
        Assert.Equal(1, ExifOrientationReader.Read(bytes));
    }

    [Fact]
    public void Image_without_exif_is_upright()
    {
        var bytes = File.ReadAllBytes(MediaFixtures.MarkedImage("png", 1));
        Assert.Equal(1, ExifOrientationReader.Read(bytes));
    }

    [Fact]
    public void Little_endian_tiff_is_read()
    {
        // "II*\0", IFD0 at 8, one entry: tag 0x0112, type SHORT, count 1, value 7.
        byte[] tiff = [(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0];
        Assert.Equal(7, ExifOrientationReader.ReadOrientationFromTiff(tiff));
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x40, (byte)'E', (byte)'x' })] // APP1 longer than the file
    [InlineData(new byte[] { (byte)'M', (byte)'M', 0, 42, 0xFF, 0xFF, 0xFF, 0xFF })]      // IFD offset out of range
    public void Malformed_or_missing_metadata_means_upright(byte[] bytes)
    {
        Assert.Equal(1, ExifOrientationReader.Read(bytes));
        Assert.Equal(1, ExifOrientationReader.ReadOrientationFromTiff(bytes));
    }
}
