using SonicWeb.Engine.Animation;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Rendering;
using SonicWeb.Tests.TestSupport;

namespace SonicWeb.Tests.Engine.Rendering;

/// <summary>The astronaut, framed as the pipeline would, and helpers to measure rendered regions.</summary>
internal static class RenderTestSupport
{
    private static readonly Lazy<RgbImage> AstronautLazy = new(() => TestMedia.LoadRgb(TestMedia.AstronautPng));
    public static RgbImage Astronaut => AstronautLazy.Value;

    public static FrameLayout FaceLayout(int resolution = 512)
        => Framing.Compute(Astronaut.Width, Astronaut.Height, AstronautLandmarks.DetectorBox, CropMode.Face, 0.15f, resolution);

    public static FaceRenderer Renderer(int resolution = 512)
        => new(Astronaut, AstronautLandmarks.Points, FaceLayout(resolution));

    public static RgbImage Render(FaceRenderer renderer, FacePose pose)
    {
        var image = new RgbImage(renderer.Width, renderer.Height);
        renderer.Render(pose, image.Pixels);
        return image;
    }

    /// <summary>Output-pixel rectangle covering a source-pixel rectangle under a layout.</summary>
    public static (int X0, int Y0, int X1, int Y1) ToOutput(FrameLayout layout, float sx0, float sy0, float sx1, float sy1)
    {
        float kx = layout.Width / layout.SourceCrop.Width, ky = layout.Height / layout.SourceCrop.Height;
        return ((int)((sx0 - layout.SourceCrop.X) * kx), (int)((sy0 - layout.SourceCrop.Y) * ky),
                (int)((sx1 - layout.SourceCrop.X) * kx), (int)((sy1 - layout.SourceCrop.Y) * ky));
    }

    public static double MeanAbsDiff(RgbImage a, RgbImage b, (int X0, int Y0, int X1, int Y1) r)
    {
        double sum = 0; long n = 0;
        for (int y = r.Y0; y < r.Y1; y++)
            for (int x = r.X0 * 3; x < r.X1 * 3; x++, n++)
                sum += Math.Abs(a.Pixels[y * a.Stride + x] - b.Pixels[y * b.Stride + x]);
        return sum / n;
    }

    public static double MeanLuma(RgbImage a, (int X0, int Y0, int X1, int Y1) r)
    {
        double sum = 0; long n = 0;
        for (int y = r.Y0; y < r.Y1; y++)
            for (int x = r.X0; x < r.X1; x++, n++)
            {
                int i = y * a.Stride + x * 3;
                sum += 0.299 * a.Pixels[i] + 0.587 * a.Pixels[i + 1] + 0.114 * a.Pixels[i + 2];
            }
        return sum / n;
    }

    /// <summary>Plain bilinear resample of the crop (reflecting outside), the reference for a neutral pose.</summary>
    public static RgbImage PlainCrop(FrameLayout layout)
    {
        var src = Astronaut;
        var result = new RgbImage(layout.Width, layout.Height);
        float sx = layout.SourceCrop.Width / layout.Width, sy = layout.SourceCrop.Height / layout.Height;
        for (int v = 0; v < layout.Height; v++)
            for (int u = 0; u < layout.Width; u++)
            {
                double x = layout.SourceCrop.X + (u + 0.5) * sx - 0.5, y = layout.SourceCrop.Y + (v + 0.5) * sy - 0.5;
                int x0 = (int)Math.Floor(x), y0 = (int)Math.Floor(y);
                double fx = x - x0, fy = y - y0;
                for (int c = 0; c < 3; c++)
                {
                    double P(int xx, int yy) => src.Pixels[Mirror(yy, src.Height) * src.Stride + Mirror(xx, src.Width) * 3 + c];
                    double value = (1 - fy) * ((1 - fx) * P(x0, y0) + fx * P(x0 + 1, y0)) + fy * ((1 - fx) * P(x0, y0 + 1) + fx * P(x0 + 1, y0 + 1));
                    result.Pixels[v * result.Stride + u * 3 + c] = (byte)Math.Round(value);
                }
            }
        return result;
    }

    private static int Mirror(int i, int n)
    {
        while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - i - 1;
        return i;
    }
}
