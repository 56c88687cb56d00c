using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Rendering;

namespace SonicWeb.Engine.Quality;

/// <summary>A half-open rectangle of output pixels [X0, X1) x [Y0, Y1), clamped to a frame.</summary>
public readonly record struct PixelRegion(int X0, int Y0, int X1, int Y1)
{
    public int Width => X1 - X0;
    public int Height => Y1 - Y0;
    public bool IsEmpty => Width <= 0 || Height <= 0;

    /// <summary>The output pixels showing a source-photo rectangle under <paramref name="layout"/>.</summary>
    public static PixelRegion FromSource(FrameLayout layout, float sx0, float sy0, float sx1, float sy1)
    {
        float kx = layout.Width / layout.SourceCrop.Width, ky = layout.Height / layout.SourceCrop.Height;
        return Clamp(new PixelRegion(
            (int)MathF.Floor((sx0 - layout.SourceCrop.X) * kx), (int)MathF.Floor((sy0 - layout.SourceCrop.Y) * ky),
            (int)MathF.Ceiling((sx1 - layout.SourceCrop.X) * kx), (int)MathF.Ceiling((sy1 - layout.SourceCrop.Y) * ky)),
            layout.Width, layout.Height);
    }

    public static PixelRegion Clamp(PixelRegion r, int width, int height)
        => new(Math.Clamp(r.X0, 0, width), Math.Clamp(r.Y0, 0, height), Math.Clamp(r.X1, 0, width), Math.Clamp(r.Y1, 0, height));

    public static float Luma(RgbImage image, int x, int y)
    {
        int i = y * image.Stride + x * 3;
        return 0.299f * image.Pixels[i] + 0.587f * image.Pixels[i + 1] + 0.114f * image.Pixels[i + 2];
    }
}
