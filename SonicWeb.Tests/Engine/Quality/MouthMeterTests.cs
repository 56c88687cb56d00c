using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Quality;
using SonicWeb.Engine.Rendering;
using SonicWeb.Tests.Engine.Rendering;

namespace SonicWeb.Tests.Engine.Quality;

/// <summary>
/// The cavity measure of the quality report (docs/quality.md, round 33): what is dark in the still photo is not the mouth
/// opening. The phone photo's black background beside the chin, covered and uncovered as the jaw moved, read as a mouth
/// open in 91% of its pauses.
/// </summary>
public class MouthMeterTests
{
    private static readonly FrameLayout SameAsSource = new(new RectF(0, 0, 512, 512), 512, 512);

    [Fact]
    public void Dark_background_in_the_still_is_not_an_opening_and_a_new_dark_gap_is()
    {
        var meter = new MouthMeter(AstronautLandmarks.Points, SameAsSource);
        var still = Skin();
        Fill(still, 190, 160, 206, 185, 5);          // a black background reaching into the region beside the chin
        meter.UseReference(still);

        Assert.Equal(0, meter.Measure(still).Opening);

        var chinOver = Skin();
        Fill(chinOver, 190, 160, 199, 185, 5);       // the jaw moved over part of it, the mouth shut
        Assert.Equal(0, meter.Measure(chinOver).Opening);

        var open = Skin();
        Fill(open, 190, 160, 206, 185, 5);
        Fill(open, 212, 144, 236, 150, 20);           // a dark gap between the lips: 24 x 6 px
        float mouthWidth = meter.MouthWidthPixels;
        var reading = meter.Measure(open);
        Assert.Equal(24 * 6 / (mouthWidth * mouthWidth), reading.Opening, 3);
        Assert.InRange(reading.Width, 23 / mouthWidth, 25 / mouthWidth);
    }

    private static RgbImage Skin()
    {
        var image = new RgbImage(512, 512);
        for (int i = 0; i < image.Pixels.Length; i += 3) { image.Pixels[i] = 200; image.Pixels[i + 1] = 160; image.Pixels[i + 2] = 140; }
        return image;
    }

    private static void Fill(RgbImage image, int x0, int y0, int x1, int y1, byte value)
    {
        for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++)
            {
                int o = y * image.Stride + 3 * x;
                image.Pixels[o] = image.Pixels[o + 1] = image.Pixels[o + 2] = value;
            }
    }
}
