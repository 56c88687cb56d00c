using System.Numerics;
using SonicWeb.Engine.Animation;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Media;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Engine.Quality;
using SonicWeb.Engine.Rendering;
using SonicWeb.Tests.TestSupport;
using Xunit.Abstractions;

namespace SonicWeb.Tests.Engine.Rendering;

/// <summary>
/// The tilted group photo (test-media/quality/group-three-quarter.jpg, head rolled about 43 degrees): at a wide
/// opening nothing synthetic may show beside the real mouth corners. With landmarks found on the plain (rolled)
/// crop the mouth came out shifted along the lips into the cheek, and the opening and its grey teeth band ran
/// past the image-right corner (docs/quality.md, round 8).
/// </summary>
[Collection(EngineCollection.Name)]
public class RolledMouthTests(EngineFixture engine, ITestOutputHelper output)
{
    // The photo's mouth corners, where the dark line between the lips ends (read on the photo enlarged 6x, about
    // 2 px): fixed, so the test does not trust the landmarks it checks.
    private static readonly Vector2 LeftCorner = new(1497, 343), RightCorner = new(1556, 398);

    [Theory]
    [InlineData(512)]
    [InlineData(1024)]
    public async Task A_wide_open_mouth_on_a_rolled_head_draws_nothing_past_its_corners(int resolution)
    {
        string photoPath = TestMedia.QualitySet("group-three-quarter.jpg");
        var inspection = await engine.Backend.InspectAsync(photoPath, TestMedia.QualitySet("voice-en-male-hf-radio.wav"),
            new GenerationParameters { MinResolution = resolution });
        var photo = await ImageLoader.LoadAsync(photoPath, new MediaLimits(), CancellationToken.None);
        var renderer = new FaceRenderer(photo, inspection.Face.Landmarks, inspection.Layout, inspection.Face.OtherFaces);
        var neutral = RenderTestSupport.Render(renderer, FacePose.Neutral);
        var open = RenderTestSupport.Render(renderer, new FacePose(1.2f, 0, 0, 0, 0, 0, 0, 0));

        // The mouth's own frame, from the corners above; the jaw moves skin along its "down" only, by at most
        // MouthWarp's largest drop (0.72 half widths), so beside a corner every output pixel shows skin found
        // in the still frame somewhere up that line (one pixel either side for resampling).
        var layout = inspection.Layout;
        float perPixel = layout.SourceCrop.Width / layout.Width;
        Vector2 centre = (LeftCorner + RightCorner) / 2, axis = Vector2.Normalize(RightCorner - LeftCorner), down = new(-axis.Y, axis.X);
        float halfWidth = Vector2.Distance(LeftCorner, RightCorner) / 2;
        int reach = (int)MathF.Ceiling(0.72f * halfWidth / perPixel) + 2;
        int foreign = 0, checkedPixels = 0; double worst = 0;
        for (int v = 0; v < layout.Height; v++)
            for (int u = 0; u < layout.Width; u++)
            {
                var source = new Vector2(layout.SourceCrop.X + (u + 0.5f) * perPixel, layout.SourceCrop.Y + (v + 0.5f) * perPixel);
                float lx = Vector2.Dot(source - centre, axis), ly = Vector2.Dot(source - centre, down);
                // Beside either corner, from 3 source px out to half a mouth width; across the lips' height.
                if (MathF.Abs(lx) < halfWidth + 3 || MathF.Abs(lx) > 1.5f * halfWidth || MathF.Abs(ly) > 0.5f * halfWidth) continue;
                checkedPixels++;
                double nearest = double.MaxValue;
                for (int k = -1; k <= reach && nearest > 0; k++)
                    for (int side = -1; side <= 1; side++)
                    {
                        var at = new Vector2(u + 0.5f, v + 0.5f) - k * down + side * axis;
                        int uu = Math.Clamp((int)at.X, 0, layout.Width - 1), vv = Math.Clamp((int)at.Y, 0, layout.Height - 1);
                        nearest = Math.Min(nearest, Distance(neutral, uu, vv, open, u, v));
                    }
                if (nearest > 30) foreign++;
                worst = Math.Max(worst, nearest);
            }
        output.WriteLine($"{resolution}: {foreign} of {checkedPixels} pixels beside the corners are no colour of the skin they could come from (worst {worst:F0} levels)");
        Assert.True(checkedPixels > 100, $"only {checkedPixels} pixels checked");
        Assert.True(foreign <= checkedPixels / 200, $"{resolution}: {foreign} of {checkedPixels} pixels beside the mouth corners are synthetic (cavity or teeth band; worst {worst:F0} levels)");
    }

    // Where the dark line between the lips ends at the image-right corner, a pale spot about 2 px across (the last
    // tooth), read on the photo enlarged 24x: fixed like the corners.
    private static readonly Vector2 LineEnd = new(1551f, 394f);

    [Theory]
    [InlineData(512)]
    [InlineData(1024)]
    public async Task An_open_mouth_on_a_rolled_head_does_not_drag_the_pale_end_of_its_lip_line_onto_the_opening(int resolution)
    {
        // The grey speck of issue 13 (docs/quality.md, round 11): the corner ramp dragged the photo strip between the
        // dark line and the landmark lower lip down with the jaw, and the pale spot where the line ends became a grey
        // streak 2 x 6 output px reaching the opening's tip (1024). Through the warp itself: every output pixel that
        // shows the spot (its source within 1.2 px of it) and that the cavity leaves visible (opacity under a half)
        // must lie within 3.5 source px of the spot along the face's "down" (main: 4.0 at 512, 4.5 at 1024; now 2.9, 2.4; the still
        // frame shows it in place).
        string photoPath = TestMedia.QualitySet("group-three-quarter.jpg");
        var inspection = await engine.Backend.InspectAsync(photoPath, TestMedia.QualitySet("voice-en-male-hf-radio.wav"),
            new GenerationParameters { MinResolution = resolution });
        var photo = await ImageLoader.LoadAsync(photoPath, new MediaLimits(), CancellationToken.None);
        var landmarks = inspection.Face.Landmarks;
        var mouth = new MouthWarp(landmarks, MouthWarp.DetectTeeth(photo, landmarks), photo);
        var layout = inspection.Layout;
        float perPixel = layout.SourceCrop.Width / layout.Width;
        var axis = Vector2.Normalize(RightCorner - LeftCorner);
        var down = new Vector2(-axis.Y, axis.X);
        float worst = 0;
        foreach (float open in new[] { 0.5f, 1f, 1.2f })
        {
            var pose = mouth.ForFrame(open, 0, perPixel);
            int shown = 0; float farthest = 0;
            for (int v = 0; v < layout.Height; v++)
                for (int u = 0; u < layout.Width; u++)
                {
                    // FaceRenderer's position of this output pixel in the photo (still head, pixel centres at integers).
                    float x = layout.SourceCrop.X + (u + 0.5f) * perPixel - 0.5f, y = layout.SourceCrop.Y + (v + 0.5f) * perPixel - 0.5f;
                    var here = new Vector2(x, y);
                    if (Vector2.Distance(here, LineEnd) > 12) continue;
                    if (mouth.Warp(pose, ref x, ref y, out _, out _, out _) >= 0.5f || Vector2.Distance(new Vector2(x, y), LineEnd) > 1.2f) continue;
                    shown++;
                    farthest = MathF.Max(farthest, Vector2.Dot(here - LineEnd, down));
                }
            output.WriteLine($"{resolution}, open {open}: the line's pale end shows in {shown} output pixels, down to {farthest:F1} source px below its place");
            worst = MathF.Max(worst, farthest);
        }
        Assert.True(worst <= 3.5f, $"{resolution}: the pale end of the line between the lips is drawn {worst:F1} source px below its place, on the opening's tip");
    }

    [Fact]
    public async Task The_jaw_meter_reads_the_same_drop_on_a_rolled_head_as_on_an_upright_one()
    {
        // The same poses on the tilted group photo and an upright smiling man, read on the rendered frames against
        // each one's still: the warp drops the jaw by the same share of the mouth width on both, so the meter must
        // read the same share (a vertical-only reading saw about half on the rolled head: 0.134 against 0.283 at
        // pose 0.9 in the quality report, docs/quality.md round 8).
        var rolled = await ReadDrops("group-three-quarter.jpg");
        var upright = await ReadDrops("smile-teeth-man.jpg");
        for (int i = 0; i < rolled.Length; i++)
        {
            output.WriteLine($"open {Opens[i]}: rolled {rolled[i]:0.000}, upright {upright[i]:0.000}");
            Assert.True(MathF.Abs(rolled[i] / upright[i] - 1) < 0.1f, $"open {Opens[i]}: the rolled head reads {rolled[i]:0.000}, the upright one {upright[i]:0.000}");
        }
    }

    private static readonly float[] Opens = [0.3f, 0.6f, 1.0f];

    private async Task<float[]> ReadDrops(string file)
    {
        string photoPath = TestMedia.QualitySet(file);
        var inspection = await engine.Backend.InspectAsync(photoPath, TestMedia.QualitySet("voice-en-male-hf-radio.wav"),
            new GenerationParameters { MinResolution = 512 });
        var photo = await ImageLoader.LoadAsync(photoPath, new MediaLimits(), CancellationToken.None);
        var renderer = new FaceRenderer(photo, inspection.Face.Landmarks, inspection.Layout, inspection.Face.OtherFaces);
        var meter = new JawMeter(inspection.Face.Landmarks, inspection.Layout, RenderTestSupport.Render(renderer, FacePose.Neutral));
        return Opens.Select(open => meter.Measure(RenderTestSupport.Render(renderer, new FacePose(open, 0, 0, 0, 0, 0, 0, 0))).Drop).ToArray();
    }

    private static double Distance(RgbImage a, int ax, int ay, RgbImage b, int bx, int by)
    {
        int i = ay * a.Stride + ax * 3, j = by * b.Stride + bx * 3;
        double dr = a.Pixels[i] - b.Pixels[j], dg = a.Pixels[i + 1] - b.Pixels[j + 1], db = a.Pixels[i + 2] - b.Pixels[j + 2];
        return Math.Sqrt(dr * dr + dg * dg + db * db);
    }
}
