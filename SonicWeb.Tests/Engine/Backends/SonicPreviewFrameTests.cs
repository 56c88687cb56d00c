using SkiaSharp;
using SonicWeb.Engine.Backends.ComfyUI;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Tests.TestSupport;

namespace SonicWeb.Tests.Engine.Backends;

/// <summary>
/// "Preview first" on comfyui-sonic shows the square Sonic animates (the one uploaded), not the built-in framing: the
/// frame matches the photo cut to <see cref="SonicCrop"/>'s square and scaled to the output size, and differs from the
/// built-in backend's frame for the same inputs. No ComfyUI host is needed: the preview is made in SonicWeb.
/// </summary>
[Collection(EngineCollection.Name)]
public class SonicPreviewFrameTests(EngineFixture engine)
{
    [Fact]
    public async Task The_preview_frame_is_sonics_square_of_the_photo()
    {
        var voice = TestMedia.Speech("Hello.", "sonic-preview-voice");
        var p = new GenerationParameters { ExpandRatio = 0.5, MinResolution = 256 };
        var sonic = new ComfyUISonicBackend(new ComfyUIOptions(), engine.Options, new InputAnalyser(engine.Options, engine.Models), engine.Backend,
            new TimeEstimator(), new ShippedSonicWorkflowTemplate(), () => new HttpClient());

        var preview = await sonic.RenderPreviewAsync(TestMedia.AstronautPng, voice, p);
        var builtIn = await engine.Backend.RenderPreviewAsync(TestMedia.AstronautPng, voice, p);
        Assert.Equal((256, 256), (preview.Width, preview.Height)); // the job's output size, as on the built-in backend

        var square = SonicCrop.Compute(preview.Inspection.ImageWidth, preview.Inspection.ImageHeight, preview.Inspection.Face.Face.Box, p.ExpandRatio);
        using var photo = SKBitmap.Decode(TestMedia.AstronautPng);
        using var cut = new SKBitmap(square.Width, square.Height);
        Assert.True(photo.ExtractSubset(cut, new SKRectI(square.X1, square.Y1, square.X2, square.Y2)));
        using var expected = cut.Resize(new SKImageInfo(256, 256), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        using var sonicFrame = SKBitmap.Decode(preview.Jpeg);
        using var builtInFrame = SKBitmap.Decode(builtIn.Jpeg);

        double toSquare = MeanDifference(sonicFrame, expected), builtInToSquare = MeanDifference(builtInFrame, expected);
        Assert.True(toSquare < 6, $"the preview differs from Sonic's square by {toSquare:0.0} per channel, built-in {builtInToSquare:0.0}");
        Assert.True(builtInToSquare > 2 * toSquare, $"the built-in frame ({builtInToSquare:0.0}) is as close to Sonic's square as the preview ({toSquare:0.0})");
    }

    private static double MeanDifference(SKBitmap a, SKBitmap b)
    {
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        double sum = 0;
        for (int y = 0; y < a.Height; y++)
            for (int x = 0; x < a.Width; x++)
            {
                SKColor p = a.GetPixel(x, y), q = b.GetPixel(x, y);
                sum += Math.Abs(p.Red - q.Red) + Math.Abs(p.Green - q.Green) + Math.Abs(p.Blue - q.Blue);
            }
        return sum / (3.0 * a.Width * a.Height);
    }
}
