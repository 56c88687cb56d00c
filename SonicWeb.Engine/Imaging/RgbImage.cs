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
}
