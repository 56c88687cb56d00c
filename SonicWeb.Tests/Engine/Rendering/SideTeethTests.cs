using System.Numerics;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Media;
using SonicWeb.Engine.Rendering;
using SonicWeb.Tests.TestSupport;
using Xunit.Abstractions;

namespace SonicWeb.Tests.Engine.Rendering;

/// <summary>
/// A broad smile's side teeth (docs/quality.md, round 31): the lateral incisors and canines hang below the landmark lower
/// inner lip, and an opening torn along that line cut their tips off at wide openings. The opening now starts under the
/// photo's upper teeth (UpperTeethEdge) where they reach lower; where the line already sits on the teeth's edge (the front
/// teeth) or the photo shows no shadow under them (beard-smile-teeth: the walk is not followed into a pale beard) nothing
/// moves. Measured against the same warp built without the photo (the landmark line alone).
/// </summary>
[Collection(EngineCollection.Name)]
public class SideTeethTests(EngineFixture engine, ITestOutputHelper output)
{
    [Theory]
    [InlineData("smile-teeth-man.jpg", true)]
    [InlineData("beard-smile-teeth.jpg", false)]
    public async Task The_opening_starts_under_side_teeth_that_hang_below_the_landmark_lip(string file, bool sideTeethHangLower)
    {
        var warp = await QualityPhotoMouth.LoadAsync(engine, file);
        var photo = await ImageLoader.LoadAsync(TestMedia.QualitySet(file), new MediaLimits(), CancellationToken.None);
        var landmarkOnly = new MouthWarp(warp.Landmarks, photoShowsTeeth: true, photo: null);
        var pose = warp.Open(1f);
        float halfWidth = warp.HalfWidth;
        Vector2 left = warp.Landmarks.Points[48], right = warp.Landmarks.Points[54], axis = Vector2.Normalize(right - left);
        Vector2 ToImage(float lx, float ly) => (left + right) / 2 + lx * axis + ly * new Vector2(-axis.Y, axis.X);
        float Top(MouthWarp mouth, float lx)
        {
            for (float ly = -0.5f * halfWidth; ly <= 0.8f * halfWidth; ly += 0.05f)
            {
                var at = ToImage(lx, ly);
                float x = at.X, y = at.Y;
                if (mouth.Warp(pose, ref x, ref y, out _, out _, out _) >= 0.5f) return ly;
            }
            return float.NaN;
        }
        float Luma(Vector2 at)
        {
            int x = (int)MathF.Round(at.X), y = (int)MathF.Round(at.Y), o = y * photo.Stride + 3 * x;
            return 0.299f * photo.Pixels[o] + 0.587f * photo.Pixels[o + 1] + 0.114f * photo.Pixels[o + 2];
        }

        float middleShift = Top(warp.Mouth, 0) - Top(landmarkOnly, 0);
        float mostShift = 0, lumaAbove = 0;
        for (float s = 0.3f; s <= 0.8f; s += 0.05f)
            foreach (int side in new[] { -1, 1 })
            {
                float lx = side * s * halfWidth, top = Top(warp.Mouth, lx), shift = top - Top(landmarkOnly, lx);
                if (shift <= mostShift) continue;
                mostShift = shift;
                lumaAbove = Luma(ToImage(lx, top - 1)); // what the opening now leaves showing above it
            }
        output.WriteLine($"{file}: the opening's top {middleShift:0.0} px lower in the middle, at most {mostShift:0.0} px lower at the sides (photo luma 1 px above it there {lumaAbove:0})");

        Assert.True(MathF.Abs(middleShift) <= 0.3f, $"{file}: the front teeth's opening moved {middleShift:0.0} px");
        if (sideTeethHangLower)
        {
            // main cut them along the landmark line: 0 px; the side teeth reach 3.5-4.5 source px lower on the image-right side.
            Assert.True(mostShift >= 2.5f, $"{file}: the opening starts only {mostShift:0.0} px below the landmark line at the sides");
            Assert.True(lumaAbove > 150, $"{file}: above the lowered opening the photo shows luma {lumaAbove:0}, not a tooth");
        }
        else Assert.True(mostShift <= 0.3f, $"{file}: the opening moved {mostShift:0.0} px below the landmark line");
    }
}
