using System.Numerics;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Media;
using SonicWeb.Tests.TestSupport;
using Xunit.Abstractions;

namespace SonicWeb.Tests.Engine.Rendering;

/// <summary>
/// A photo whose mouth is already open (docs/quality.md, round 32): the dark inside of her mouth shows between her lips.
/// The drawn opening used to be a cavity in the lips' colour, lighter than the photo's own, torn along a landmark line a
/// couple of pixels inside the lower lip: a pink arc of lip across the opening and a second, lighter mouth under the first.
/// Down the middle of the mouth the opened frame must now stay dark from the photo's own cavity to the lowered lower lip.
/// </summary>
[Collection(EngineCollection.Name)]
public class OwnOpenMouthTests(EngineFixture engine, ITestOutputHelper output)
{
    [Fact]
    public async Task An_open_mouthed_photo_opens_as_one_dark_mouth_without_a_lip_arc_across_it()
    {
        const string file = "open-mouth-dim-light.jpg";
        var warp = await QualityPhotoMouth.LoadAsync(engine, file);
        var photo = await ImageLoader.LoadAsync(TestMedia.QualitySet(file), new MediaLimits(), CancellationToken.None);
        var p = warp.Landmarks.Points;
        Vector2 left = p[48], right = p[54], origin = (left + right) / 2, axis = Vector2.Normalize(right - left), down = new(-axis.Y, axis.X);
        float LocalY(Vector2 at) => Vector2.Dot(at - origin, down);
        float PhotoLuma(float x, float y)
        {
            int ix = Math.Clamp((int)MathF.Round(x), 0, photo.Width - 1), iy = Math.Clamp((int)MathF.Round(y), 0, photo.Height - 1);
            int o = iy * photo.Stride + 3 * ix;
            return 0.299f * photo.Pixels[o] + 0.587f * photo.Pixels[o + 1] + 0.114f * photo.Pixels[o + 2];
        }
        var pose = warp.Open(0.6f);
        // What the opened frame shows at (lx, ly) of the mouth's frame: the drawn interior over the warped photo.
        float FrameLuma(float lx, float ly)
        {
            var at = origin + lx * axis + ly * down;
            float x = at.X, y = at.Y;
            float alpha = warp.Mouth.Warp(pose, ref x, ref y, out float r, out float g, out float b);
            return alpha * (0.299f * r + 0.587f * g + 0.114f * b) + (1 - alpha) * PhotoLuma(x, y);
        }

        float halfWidth = warp.HalfWidth;
        float upperLip = LocalY(p[62]), lowerLip = LocalY(p[66]);
        float cavity = PhotoLuma((p[62].X + p[66].X) / 2 + 0, (p[62].Y + 2 * p[66].Y) / 3);   // the photo's own dark, low in the gap
        float lip = PhotoLuma((p[66].X + p[57].X) / 2, (p[66].Y + p[57].Y) / 2);               // the lower lip's body
        float threshold = 0.5f * (cavity + lip);
        foreach (float share in new[] { -0.3f, 0f, 0.3f })
        {
            float lx = share * halfWidth;
            // From two thirds down the photo's gap (below its upper teeth), walk down the opened frame while it stays dark.
            float ly = upperLip + 2f / 3 * (lowerLip - upperLip), start = ly;
            while (ly < lowerLip + halfWidth && FrameLuma(lx, ly + 0.25f) < threshold) ly += 0.25f;
            float run = ly - start;
            // The jaw drops the lower lip by up to 0.6 x 0.6 half widths here (less towards the sides, and the lip's edge is
            // soft): the dark must reach most of the way down. Before round 32: 3.8 px at -0.3 half widths, a lip arc of luma
            // 40-56 right under the photo's cavity, then the drawn cavity; now 14.5 px, to the lowered lip's edge.
            float expected = (lowerLip - start) + 0.6f * 0.6f * halfWidth;
            output.WriteLine($"x {share:+0.0;-0.0;0} half widths: dark for {run:0.0} px of about {expected:0.0} (cavity luma {cavity:0}, lip {lip:0})");
            Assert.True(run >= 0.6f * expected,
                $"at {share:0.0} half widths the opened mouth is dark for only {run:0.0} px of about {expected:0.0}: something lighter crosses it");
        }
    }
}
