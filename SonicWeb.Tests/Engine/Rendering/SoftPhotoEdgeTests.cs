using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Media;
using SonicWeb.Engine.Rendering;
using SonicWeb.Tests.TestSupport;
using Xunit.Abstractions;

namespace SonicWeb.Tests.Engine.Rendering;

/// <summary>
/// The drawn mouth interior is no crisper than the photo around it (docs/quality.md, round 33): crisp drawn teeth and a
/// hard-edged cavity between a soft photo's lips read as pasted on. The photo's edge blur is measured around the mouth
/// (<see cref="EdgeSoftness"/>) and the drawn edges soften with it.
/// </summary>
[Collection(EngineCollection.Name)]
public class SoftPhotoEdgeTests(EngineFixture engine, ITestOutputHelper output)
{
    [Theory]
    [InlineData(0.7f, 0f)]
    [InlineData(1.2f, 0f)]
    [InlineData(2.0f, 0f)]
    [InlineData(1.2f, 0.5f)]   // slanted edges
    [InlineData(0.8f, 1f)]
    public void The_blur_of_a_step_is_measured_in_pixels(float blur, float slope)
    {
        // A dark-to-light step blurred by a Gaussian of standard deviation `blur`, its middle between pixels.
        const int size = 48;
        var image = new RgbImage(size, size);
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                float across = (x - 24.3f - slope * (y - 24)) / MathF.Sqrt(1 + slope * slope);
                byte v = (byte)MathF.Round(50 + 150 * Phi(across / blur));
                int o = y * image.Stride + 3 * x;
                image.Pixels[o] = image.Pixels[o + 1] = image.Pixels[o + 2] = v;
            }
        float measured = EdgeSoftness.Measure(image, EdgeSoftness.Margin, EdgeSoftness.Margin, size - 1 - EdgeSoftness.Margin, size - 1 - EdgeSoftness.Margin);
        output.WriteLine($"blur {blur:0.0} px, slope {slope}: measured {measured:0.00} px");
        Assert.InRange(measured, 0.8f * blur, 1.2f * blur);
    }

    [Fact]
    public async Task A_blurred_photo_reads_softer_and_gets_softer_drawn_edges()
    {
        const string file = "glasses-elderly-woman.jpg";
        var sharp = await QualityPhotoMouth.LoadAsync(engine, file);
        // The same photo through a real Gaussian blur (ffmpeg), the same landmarks: only the photo's sharpness differs.
        var blurredPath = TestMedia.Convert(TestMedia.QualitySet(file), "glasses-elderly-woman-gblur2.png", "-vf", "gblur=sigma=2");
        var sharpPhoto = await ImageLoader.LoadAsync(TestMedia.QualitySet(file), new MediaLimits(), CancellationToken.None);
        var blurredPhoto = await ImageLoader.LoadAsync(blurredPath, new MediaLimits(), CancellationToken.None);
        float sharpBlur = EdgeSoftness.AroundMouth(sharpPhoto, sharp.Landmarks), softBlur = EdgeSoftness.AroundMouth(blurredPhoto, sharp.Landmarks);
        var soft = sharp with { Mouth = new MouthWarp(sharp.Landmarks, MouthWarp.DetectTeeth(blurredPhoto, sharp.Landmarks), blurredPhoto) };

        // The drawn cavity's lower edge down the middle of the mouth: how far its opacity takes to go from 0.9 to 0.1.
        float sharpRamp = LowerEdgeRamp(sharp), softRamp = LowerEdgeRamp(soft);
        output.WriteLine($"edge blur: photo {sharpBlur:0.00} px, blurred {softBlur:0.00} px; cavity's lower edge 0.9 -> 0.1 opacity over {sharpRamp:0.00} px, blurred {softRamp:0.00} px");
        Assert.True(softBlur >= 1.6f * sharpBlur, $"blurring the photo by 2 px moved its measured edge blur only from {sharpBlur:0.00} to {softBlur:0.00} px");
        Assert.True(softRamp >= 1.5f * sharpRamp, $"the drawn edge on the blurred photo ramps over {softRamp:0.00} px, on the sharp one {sharpRamp:0.00} px");
        // No softer than the photo asks for: the ramp (0.8 feather) stays within a few of its blurs.
        Assert.True(softRamp <= 3 * softBlur, $"the drawn edge ramps over {softRamp:0.00} px on a photo whose edges are {softBlur:0.00} px soft");
    }

    private static float LowerEdgeRamp(QualityPhotoMouth warp)
    {
        var pose = warp.Open(0.8f);
        float halfWidth = warp.HalfWidth, step = 0.02f;
        bool within = false;
        float? inside = null, outside = null;
        for (float ly = -0.5f * halfWidth; ly <= 1.5f * halfWidth; ly += step)
        {
            float alpha = warp.Interior(pose, 0, ly, out _, out _, out _);
            if (!within) { within = alpha >= 0.99f; continue; }
            if (inside is null && alpha < 0.9f) inside = ly;
            if (inside is not null && alpha <= 0.1f) { outside = ly; break; }
        }
        Assert.True(inside is not null && outside is not null, "no lower edge of the drawn cavity down the middle of the mouth");
        return outside!.Value - inside!.Value;
    }

    /// <summary>The standard normal distribution function (the profile of a Gaussian-blurred step).</summary>
    private static float Phi(float z) => 0.5f * (1 + Erf(z / MathF.Sqrt(2)));

    private static float Erf(float x)
    {
        // Abramowitz and Stegun 7.1.26, as in the engine; a separate copy keeps the test independent of the code it checks.
        double t = 1 / (1 + 0.3275911 * Math.Abs(x));
        double y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return (float)(x < 0 ? -y : y);
    }
}
