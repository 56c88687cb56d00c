namespace SonicWeb.Engine.Imaging;

/// <summary>
/// An 8-bit RGB picture, rows top-down, 3 bytes per pixel, no row padding (the layout ffmpeg's
/// rawvideo rgb24 reads and writes, so frames go to the encoder without conversion).
/// </summary>
public sealed class RgbImage
{
    public RgbImage(int width, int height) : this(width, height, new byte[checked(width * height * 3)]) { }

    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (pixels.Length < width * height * 3)
            throw new ArgumentException($"Expected {width * height * 3} bytes for {width}x{height} RGB, got {pixels.Length}.", nameof(pixels));
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }
    public int Height { get; }
    public int Stride => Width * 3;

    /// <summary>Row-major RGB24 bytes.</summary>
    public byte[] Pixels { get; }

    public Span<byte> Row(int y) => Pixels.AsSpan(y * Stride, Stride);

    /// <summary>A copy of the pixels in [x, x + width) x [y, y + height), which must lie inside the picture.</summary>
    public RgbImage Cut(int x, int y, int width, int height)
    {
        if (x < 0 || y < 0 || width <= 0 || height <= 0 || x + width > Width || y + height > Height)
            throw new ArgumentOutOfRangeException(nameof(width), $"{width}x{height} at ({x}, {y}) is not inside the {Width}x{Height} picture.");
        var cut = new RgbImage(width, height);
        for (int row = 0; row < height; row++)
            Row(y + row).Slice(x * 3, width * 3).CopyTo(cut.Row(row));
        return cut;
    }
}
