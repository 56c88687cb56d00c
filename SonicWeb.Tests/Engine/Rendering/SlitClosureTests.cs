using System.Numerics;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Media;
using SonicWeb.Tests.TestSupport;
using Xunit.Abstractions;

namespace SonicWeb.Tests.Engine.Rendering;

/// <summary>
/// Lips parted by a dark slit only (no teeth between them; docs/quality.md, round 32) close in pauses to a thin line of
/// that slit, as closed lips show one. Squeezed to nothing, the upper lip met the lower at a hard edge without any line,
/// which stepped along the mouth from pixel row to pixel row (teen-boy, three-quarter-man at 1024). Down three columns of
/// the closed mouth, the frame must dip below both lips where they meet about as deep as the photo's slit.
/// </summary>
[Collection(EngineCollection.Name)]
public class SlitClosureTests(EngineFixture engine, ITestOutputHelper output)
{
    [Theory]
    [InlineData("teen-boy.jpg")]
    [InlineData("three-quarter-man.jpg")]
    public async Task Closed_lips_keep_a_thin_dark_line_where_a_slit_parted_them(string file)
    {
        var warp = await QualityPhotoMouth.LoadAsync(engine, file);
        var photo = await ImageLoader.LoadAsync(TestMedia.QualitySet(file), new MediaLimits(), CancellationToken.None);
        Assert.True(warp.Mouth.PhotoLipsParted, $"{file}: the warp should read the slit as parted lips");
        var p = warp.Landmarks.Points;
        Vector2 left = p[48], right = p[54], origin = (left + right) / 2, axis = Vector2.Normalize(right - left), down = new(-axis.Y, axis.X);
        var closed = warp.Mouth.ForFrame(0, 0, warp.SourcePixelsPerOutputPixel, 0, lipClosure: 1);
        var still = warp.Open(0);
        float Luma(in SonicWeb.Engine.Rendering.MouthWarp.Pose pose, float lx, float ly)
        {
            var at = origin + lx * axis + ly * down;
            float x = at.X, y = at.Y;
            warp.Mouth.Warp(pose, ref x, ref y, out _, out _, out _);
            return Bilinear(photo, x, y);
        }
        float halfWidth = warp.HalfWidth, middle = 0.5f * (Vector2.Dot(p[62] - origin, down) + Vector2.Dot(p[66] - origin, down));
        foreach (float share in new[] { -0.3f, 0f, 0.3f })
        {
            float lx = share * halfWidth;
            float Depth(in SonicWeb.Engine.Rendering.MouthWarp.Pose pose)
            {
                // How far the darkest point between the lips lies below the darker of the two lips' bodies.
                float upperLip = Luma(pose, lx, middle - 0.2f * halfWidth), lowerLip = Luma(pose, lx, middle + 0.2f * halfWidth), darkest = float.MaxValue;
                for (float ly = middle - 0.12f * halfWidth; ly <= middle + 0.12f * halfWidth; ly += 0.1f) darkest = MathF.Min(darkest, Luma(pose, lx, ly));
                return MathF.Min(upperLip, lowerLip) - darkest;
            }
            float photoLine = Depth(still), closedLine = Depth(closed);
            output.WriteLine($"{file} at {share:+0.0;-0.0;0} half widths: the line between the lips {photoLine:0} luma below them in the photo, {closedLine:0} when closed");
            // Squeezed to nothing, only the upper lip's own shaded edge was left: teen-boy 42/56/52 against the photo's
            // 44/56/66, three-quarter-man 22/60/42 against 40/74/76. Now 42/57/59 and 46/89/81.
            Assert.True(closedLine >= 0.85f * photoLine,
                $"{file}: closed lips meet without the slit's dark line at {share:0.0} half widths ({closedLine:0} luma below the lips; the photo's slit {photoLine:0})");
        }
    }

    private static float Bilinear(RgbImage photo, float x, float y)
    {
        int x0 = Math.Clamp((int)MathF.Floor(x), 0, photo.Width - 2), y0 = Math.Clamp((int)MathF.Floor(y), 0, photo.Height - 2);
        float fx = Math.Clamp(x - x0, 0, 1), fy = Math.Clamp(y - y0, 0, 1);
        float L(int xi, int yi)
        {
            int o = yi * photo.Stride + 3 * xi;
            return 0.299f * photo.Pixels[o] + 0.587f * photo.Pixels[o + 1] + 0.114f * photo.Pixels[o + 2];
        }
        return (1 - fy) * ((1 - fx) * L(x0, y0) + fx * L(x0 + 1, y0)) + fy * ((1 - fx) * L(x0, y0 + 1) + fx * L(x0 + 1, y0 + 1));
    }
}
