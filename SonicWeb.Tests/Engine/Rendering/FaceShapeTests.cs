using SonicWeb.Engine.Animation;
using SonicWeb.Engine.Imaging;
using static SonicWeb.Tests.Engine.Rendering.RenderTestSupport;

namespace SonicWeb.Tests.Engine.Rendering;

/// <summary>Shapes of the eyes and the mouth in rendered poses of the astronaut (source regions from AstronautLandmarks).</summary>
public class FaceShapeTests
{
    [Fact]
    public void Blink_covers_the_eye_with_the_upper_lid_while_the_lower_lid_barely_moves()
    {
        var renderer = Renderer(512);
        var open = Render(renderer, default);
        var shut = Render(renderer, new FacePose(0, 0, 1, 0, 0, 0, 0, 0));
        var layout = renderer.Layout;
        // Left eye (image left): corners 36/39 at x 193..211, upper lid 37/38 at y ~97, lower lid 40/41 at y ~104.
        var iris = ToOutput(layout, 199, 98, 206, 103);
        var upperLid = ToOutput(layout, 196, 91, 209, 96);
        var belowLowerLid = ToOutput(layout, 196, 106.5f, 209, 110);

        // The iris and white disappear under skin: brighter and very different.
        Assert.True(MeanAbsDiff(open, shut, iris) > 20, $"iris diff {MeanAbsDiff(open, shut, iris):F1}");
        Assert.True(MeanLuma(shut, iris) > MeanLuma(open, iris) + 15, $"iris luma {MeanLuma(shut, iris):F0} vs {MeanLuma(open, iris):F0}");
        // The upper lid skin is stretched down (changes), the skin under the lower lid nearly stays put.
        double upperChange = MeanAbsDiff(open, shut, upperLid), lowerChange = MeanAbsDiff(open, shut, belowLowerLid);
        Assert.True(upperChange > 3 * lowerChange, $"upper lid {upperChange:F1} vs below the lower lid {lowerChange:F1}");
        Assert.True(lowerChange < 6, $"below the lower lid {lowerChange:F1}");
    }

    [Fact]
    public void Closed_eye_shows_no_white_of_the_eye_at_its_corners()
    {
        var renderer = Renderer(512);
        var open = Render(renderer, default);
        var shut = Render(renderer, new FacePose(0, 0, 1, 0, 0, 0, 0, 0));
        var layout = renderer.Layout;
        // Both eyes, a little beyond their corner landmarks (36..39 and 42..45), between the lids. The
        // white of the eye is bright and grey (red close to blue); skin, even bright skin, is reddish.
        foreach (var (x0, x1) in new[] { (190f, 214f), (234f, 258f) })
        {
            var eye = ToOutput(layout, x0, 96, x1, 106);
            Assert.True(ScleraPixels(open, eye) >= 5, $"eye {x0}..{x1}: the open eye shows {ScleraPixels(open, eye)} white pixels");
            Assert.True(ScleraPixels(shut, eye) == 0, $"eye {x0}..{x1}: the closed eye still shows {ScleraPixels(shut, eye)} white pixels");
        }
    }

    [Fact]
    public void Rounded_mouth_is_narrower_and_its_lips_fuller_than_a_spread_one()
    {
        var renderer = Renderer(512);
        var spread = Render(renderer, new FacePose(0.45f, 0.6f, 0, 0, 0, 0, 0, 0));
        var rounded = Render(renderer, new FacePose(0.45f, -0.95f, 0, 0, 0, 0, 0, 0));
        var layout = renderer.Layout;
        var mouth = ToOutput(layout, 195, 132, 254, 168);
        int centre = ToOutput(layout, 223.75f, 0, 223.75f, 0).X0; // middle of the lips (landmarks 62, 66)
        var (spreadWidth, spreadHeight) = CavitySize(spread, mouth, centre);
        var (roundedWidth, roundedHeight) = CavitySize(rounded, mouth, centre);
        Assert.True(roundedWidth < 0.9 * spreadWidth, $"cavity width rounded {roundedWidth} vs spread {spreadWidth}");
        // Pushed-forward lips: the same jaw opening gives a taller (rounder) hole.
        Assert.True(roundedHeight > spreadHeight, $"cavity height rounded {roundedHeight} vs spread {spreadHeight}");
    }

    /// <summary>Width (columns) of the dark cavity (luma under 70) inside a box, and its height in the centre column.</summary>
    private static (int Width, int Height) CavitySize(RgbImage image, (int X0, int Y0, int X1, int Y1) box, int centreColumn)
    {
        int first = int.MaxValue, last = -1, height = 0;
        for (int x = box.X0; x < box.X1; x++)
        {
            int dark = 0;
            for (int y = box.Y0; y < box.Y1; y++)
            {
                int i = y * image.Stride + x * 3;
                if (0.299 * image.Pixels[i] + 0.587 * image.Pixels[i + 1] + 0.114 * image.Pixels[i + 2] < 70) dark++;
            }
            if (dark >= 2) { first = Math.Min(first, x); last = x; }
            if (x == centreColumn) height = dark;
        }
        return (last < 0 ? 0 : last - first + 1, height);
    }

    private static int ScleraPixels(RgbImage image, (int X0, int Y0, int X1, int Y1) box)
    {
        int count = 0;
        for (int y = box.Y0; y < box.Y1; y++)
            for (int x = box.X0; x < box.X1; x++)
            {
                int i = y * image.Stride + x * 3;
                int r = image.Pixels[i], g = image.Pixels[i + 1], b = image.Pixels[i + 2];
                if (0.299 * r + 0.587 * g + 0.114 * b > 150 && r - b < 28) count++;
            }
        return count;
    }
}
