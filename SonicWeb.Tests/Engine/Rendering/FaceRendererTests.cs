using SonicWeb.Engine.Animation;
using SonicWeb.Engine.Imaging;
using SonicWeb.Tests.TestSupport;
using static SonicWeb.Tests.Engine.Rendering.RenderTestSupport;

namespace SonicWeb.Tests.Engine.Rendering;

public class FaceRendererTests
{
    // Source-pixel regions of the astronaut (see AstronautLandmarks).
    private const float MouthX0 = 208, MouthX1 = 240, MouthY0 = 143, MouthY1 = 160;
    private const float EyesX0 = 192, EyesX1 = 257, EyesY0 = 96, EyesY1 = 107;

    [Fact]
    public void Neutral_pose_is_the_plain_resampled_crop()
    {
        var renderer = Renderer();
        var neutral = Render(renderer, default);
        var plain = PlainCrop(renderer.Layout);
        double diff = MeanAbsDiff(neutral, plain, (0, 0, neutral.Width, neutral.Height));
        Assert.True(diff < 0.6, $"mean abs diff {diff:F3}");
    }

    [Fact]
    public void Open_mouth_darkens_the_mouth_and_leaves_forehead_and_background_alone()
    {
        var renderer = Renderer();
        var neutral = Render(renderer, default);
        var open = Render(renderer, new FacePose(1, 0, 0, 0, 0, 0, 0, 0));
        var layout = renderer.Layout;
        var mouth = ToOutput(layout, MouthX0, MouthY0, MouthX1, MouthY1);
        var forehead = ToOutput(layout, 205, 70, 245, 85);

        Assert.True(MeanAbsDiff(open, neutral, mouth) > 25, $"mouth diff {MeanAbsDiff(open, neutral, mouth):F1}");
        Assert.True(MeanLuma(open, mouth) < MeanLuma(neutral, mouth) - 25, $"mouth luma {MeanLuma(open, mouth):F0} vs {MeanLuma(neutral, mouth):F0}");
        Assert.True(MeanAbsDiff(open, neutral, forehead) < 0.5);
        Assert.True(MeanAbsDiff(open, neutral, (0, 0, 40, 40)) < 0.5);
        Assert.True(MeanAbsDiff(open, neutral, (open.Width - 40, 0, open.Width, 40)) < 0.5);
    }

    [Fact]
    public void Blink_changes_the_eyes_but_not_the_mouth()
    {
        var renderer = Renderer();
        var neutral = Render(renderer, default);
        var blink = Render(renderer, new FacePose(0, 0, 1, 0, 0, 0, 0, 0));
        var layout = renderer.Layout;
        var eyes = ToOutput(layout, EyesX0, EyesY0, EyesX1, EyesY1);
        var mouth = ToOutput(layout, MouthX0, MouthY0, MouthX1, MouthY1);
        Assert.True(MeanAbsDiff(blink, neutral, eyes) > 12, $"eye diff {MeanAbsDiff(blink, neutral, eyes):F1}");
        Assert.True(MeanAbsDiff(blink, neutral, mouth) < 0.5);
    }

    [Fact]
    public void Render_is_deterministic()
    {
        var renderer = Renderer();
        var pose = new FacePose(0.6f, -0.2f, 0.4f, 0.05f, -0.03f, 0.02f, 0.01f, -0.01f);
        Assert.Equal(Render(renderer, pose).Pixels, Render(renderer, pose).Pixels);
    }

    [Fact]
    public void Head_motion_near_the_frame_edge_never_shows_black()
    {
        // A photo with no black anywhere (a bright gradient), framed whole, with strong head motion:
        // every output pixel must come from the photo (reflected at the borders), none left empty.
        var image = new RgbImage(512, 512);
        for (int y = 0; y < 512; y++)
            for (int x = 0; x < 512; x++)
            {
                int i = y * image.Stride + x * 3;
                image.Pixels[i] = (byte)(60 + x / 4); image.Pixels[i + 1] = (byte)(60 + y / 4); image.Pixels[i + 2] = 120;
            }
        var layout = new SonicWeb.Engine.Rendering.FrameLayout(new RectF(0, 0, image.Width, image.Height), 256, 256);
        var renderer = new SonicWeb.Engine.Rendering.FaceRenderer(image, AstronautLandmarks.Points, layout);
        var frame = Render(renderer, new FacePose(0.8f, 0, 1, 0.2f, 0.15f, 0.2f, 0.3f, 0.3f));
        int dark = 0;
        for (int i = 0; i < frame.Pixels.Length; i += 3)
            if (frame.Pixels[i] < 50 && frame.Pixels[i + 1] < 50) dark++;
        // Only the synthesised mouth cavity may be dark.
        Assert.True(dark < 400, $"{dark} dark pixels");
    }

    [Fact]
    public void Saves_pose_gallery_for_a_person_to_look_at()
    {
        var renderer = Renderer(512);
        var poses = new (string Name, FacePose Pose)[]
        {
            ("neutral", default),
            ("mouth-half", new FacePose(0.5f, -0.12f, 0, 0, 0, 0, 0, 0)),
            ("mouth-open", new FacePose(1, -0.25f, 0, 0, 0, 0, 0, 0)),
            ("blink", new FacePose(0, 0, 1, 0, 0, 0, 0, 0)),
            ("blink-half", new FacePose(0, 0, 0.5f, 0, 0, 0, 0, 0)),
            ("head-turned", new FacePose(0.4f, -0.1f, 0, 0.12f, 0.06f, 0.06f, 0.02f, 0)),
        };
        foreach (var (name, pose) in poses)
        {
            var path = Path.Combine(TestMedia.ArtifactsDir, $"render-{name}.png");
            TestMedia.SavePng(Render(renderer, pose), path);
            Assert.True(new FileInfo(path).Length > 10_000);
        }
    }
}
