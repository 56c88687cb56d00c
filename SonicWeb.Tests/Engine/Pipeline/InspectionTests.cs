using SonicWeb.Engine.Pipeline;
using SonicWeb.Tests.TestSupport;

namespace SonicWeb.Tests.Engine.Pipeline;

/// <summary>What the engine learns about the inputs before rendering: faces, orientation, sizes.</summary>
[Collection(EngineCollection.Name)]
public class InspectionTests(EngineFixture engine)
{
    private static string Voice => TestMedia.Speech("Hello.", "inspect-voice");

    [Fact]
    public async Task Several_faces_animate_the_largest_and_say_so()
    {
        // Two astronauts side by side, the right one smaller.
        var path = Path.Combine(TestMedia.WorkDir, "two-faces.png");
        if (!File.Exists(path))
            TestMedia.Run("ffmpeg", "-v", "error", "-y", "-i", TestMedia.AstronautPng, "-i", TestMedia.AstronautPng, "-filter_complex",
                "[1:v]scale=384:384,pad=384:512:0:64:color=gray[small];[0:v][small]hstack=inputs=2", "-frames:v", "1", path);
        var result = await engine.Backend.InspectAsync(path, Voice, new GenerationParameters());
        Assert.Equal(2, result.Face.FacesFound);
        Assert.Contains(result.Warnings, w => w.StartsWith("2 faces found; animating the largest one"));
        Assert.True(result.Face.Face.Box.Center.X < 512, "the larger (left) face was not chosen");
    }

    [Fact]
    public async Task A_phone_jpeg_stored_sideways_with_exif_rotation_is_turned_upright_before_detection()
    {
        // Pixels stored rotated 90 degrees clockwise; EXIF orientation 8 tells viewers to turn them back.
        var path = Path.Combine(TestMedia.WorkDir, "sideways.jpg");
        if (!File.Exists(path))
        {
            TestMedia.Run("ffmpeg", "-v", "error", "-y", "-i", TestMedia.AstronautPng, "-vf", "transpose=1", "-frames:v", "1", "-q:v", "2", path);
            TestMedia.Run("exiftool", "-q", "-overwrite_original", "-Orientation=8", "-n", path);
        }
        var result = await engine.Backend.InspectAsync(path, Voice, new GenerationParameters());
        var landmarks = result.Face.Landmarks.Points;
        Assert.True(landmarks[36].Y < landmarks[57].Y && landmarks[45].Y < landmarks[57].Y, "eyes are not above the mouth: the photo was not turned upright");
        Assert.InRange(result.Face.Face.Box.Center.X, 180, 270);
    }

    [Fact]
    public async Task Output_size_follows_min_resolution_and_crop_mode()
    {
        var face = await engine.Backend.InspectAsync(TestMedia.AstronautPng, Voice, new GenerationParameters { MinResolution = 600 });
        Assert.Equal((608, 608), (face.Layout.Width, face.Layout.Height));

        var wide = Path.Combine(TestMedia.WorkDir, "wide.png");
        if (!File.Exists(wide))
            TestMedia.Run("ffmpeg", "-v", "error", "-y", "-i", TestMedia.AstronautPng, "-vf", "pad=1024:512:256:0:color=gray", "-frames:v", "1", wide);
        var full = await engine.Backend.InspectAsync(wide, Voice, new GenerationParameters { MinResolution = 512, Crop = SonicWeb.Engine.Rendering.CropMode.Full });
        Assert.Equal((1024, 512), (full.Layout.Width, full.Layout.Height));
    }
}
