using System.Numerics;
using SonicWeb.Engine.Animation;
using SonicWeb.Engine.Imaging;
using Xunit.Abstractions;
using static SonicWeb.Tests.Engine.Rendering.RenderTestSupport;

namespace SonicWeb.Tests.Engine.Rendering;

/// <summary>
/// The cheeks beside a wide-open mouth: the jaw only moves skin there, so no pixel may come out darker
/// than the darkest skin it could have been moved from. A synthesised dark fringe (the cavity leaking
/// past the mouth corners, a tear in the skin) fails this at any resolution: with the opening tapering
/// out to 1.5 instead of 1.2 inner half widths the worst pixel is 58-66 levels too dark (now 1-3).
/// </summary>
public class MouthCornerTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(256)]
    [InlineData(512)]
    [InlineData(1024)]
    public void Cheeks_beside_a_wide_open_mouth_get_no_dark_fringe(int resolution)
    {
        var renderer = Renderer(resolution);
        var neutral = Render(renderer, FacePose.Neutral);
        // The animator's widest opening, corners neither in nor out: the jaw field moves skin only
        // vertically in the mouth's frame (tilted ~3 degrees), so an output pixel shows skin from the
        // same column, at most MaxShift source pixels above it.
        var open = Render(renderer, new FacePose(1.2f, 0, 0, 0, 0, 0, 0, 0));
        var layout = renderer.Layout;
        var p = AstronautLandmarks.Points.Points;
        Vector2 left = p[48], right = p[54], centre = (left + right) / 2, axis = Vector2.Normalize(right - left);
        float halfWidth = Vector2.Distance(left, right) / 2;
        float sourcePerPixel = layout.SourceCrop.Width / layout.Width;
        float maxShift = 0.6f * 1.2f * halfWidth;                   // MouthWarp: MaxDrop x the largest opening
        int reach = (int)MathF.Ceiling(maxShift / sourcePerPixel) + 2; // output rows to look up
        float margin = 0.5f + sourcePerPixel;                      // a pixel beyond the corner

        double worst = 0; int worstU = 0, worstV = 0, darkPixels = 0;
        for (int v = 0; v < layout.Height; v++)
            for (int u = 0; u < layout.Width; u++)
            {
                var source = new Vector2(layout.SourceCrop.X + (u + 0.5f) * sourcePerPixel, layout.SourceCrop.Y + (v + 0.5f) * sourcePerPixel);
                var d = source - centre;
                float lx = MathF.Abs(Vector2.Dot(d, axis)), ly = axis.X * d.Y - axis.Y * d.X;
                if (lx < halfWidth + margin || lx > 1.5f * halfWidth || MathF.Abs(ly) > 0.6f * halfWidth) continue;
                double darkest = double.MaxValue;
                for (int k = -1; k <= reach; k++)
                    for (int du = -1; du <= 1; du++)
                    {
                        int vv = Math.Clamp(v - k, 0, layout.Height - 1), uu = Math.Clamp(u + du, 0, layout.Width - 1);
                        darkest = Math.Min(darkest, Luma(neutral, uu, vv));
                    }
                double excess = darkest - Luma(open, u, v);
                if (excess > 4) darkPixels++;
                if (excess > worst) (worst, worstU, worstV) = (excess, u, v);
            }
        output.WriteLine($"{resolution}: darkest excess {worst:F1} levels at ({worstU}, {worstV}), {darkPixels} pixels over 4 levels");
        Assert.True(worst < 6, $"{resolution}: a cheek pixel at ({worstU}, {worstV}) is {worst:F1} levels darker than any skin it could come from ({darkPixels} pixels over 4)");
    }

    private static double Luma(RgbImage image, int x, int y)
    {
        int i = y * image.Stride + x * 3;
        return 0.299 * image.Pixels[i] + 0.587 * image.Pixels[i + 1] + 0.114 * image.Pixels[i + 2];
    }
}
