using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Rendering;

namespace SonicWeb.Tests.Engine.Rendering;

public class FramingTests
{
    private static readonly RectF Face = new(400, 300, 200, 210);

    [Theory]
    [InlineData(768)]
    [InlineData(512)]
    [InlineData(384)]
    [InlineData(1000)]
    public void Face_mode_is_square_with_short_side_rounded_to_16(int minResolution)
    {
        var layout = Framing.Compute(1600, 1200, Face, CropMode.Face, 0.15f, minResolution);
        Assert.Equal(layout.Width, layout.Height);
        Assert.Equal(0, layout.Width % 16);
        Assert.True(Math.Abs(layout.Width - minResolution) <= 8);
        Assert.Equal(layout.SourceCrop.Width, layout.SourceCrop.Height, 3);
    }

    [Fact]
    public void Face_crop_holds_the_grown_face_and_stays_inside_the_image()
    {
        var layout = Framing.Compute(1600, 1200, Face, CropMode.Face, 0.15f, 768);
        var crop = layout.SourceCrop;
        float boxSize = 210;
        // Grown by expandRatio and the head allowance on each side.
        Assert.Equal(boxSize * (1 + 2 * 0.15f + 2 * Framing.HeadAllowance), crop.Width, 2);
        Assert.True(crop.X <= Face.X - 0.15f * boxSize && crop.Right >= Face.Right + 0.15f * boxSize);
        Assert.True(crop.Y <= Face.Y - 0.15f * boxSize && crop.Bottom >= Face.Bottom + 0.15f * boxSize);
        Assert.True(crop.X >= 0 && crop.Y >= 0 && crop.Right <= 1600 && crop.Bottom <= 1200);
    }

    [Fact]
    public void Larger_expand_ratio_gives_a_larger_crop()
    {
        var small = Framing.Compute(4000, 4000, Face, CropMode.Face, 0.15f, 512).SourceCrop;
        var large = Framing.Compute(4000, 4000, Face, CropMode.Face, 0.2f, 512).SourceCrop;
        Assert.True(large.Width > small.Width);
    }

    [Fact]
    public void Face_near_the_edge_is_shifted_inside()
    {
        var nearCorner = new RectF(10, 5, 120, 120);
        var crop = Framing.Compute(1000, 800, nearCorner, CropMode.Face, 0.15f, 512).SourceCrop;
        Assert.Equal(0, crop.X, 3);
        Assert.Equal(0, crop.Y, 3);
    }

    [Fact]
    public void Face_larger_than_the_image_fits_when_possible_and_extends_past_only_when_it_must()
    {
        // The grown crop (2.5x the face) does not fit, but the face with its margins does: short side.
        var big = Framing.Compute(500, 400, new RectF(150, 100, 200, 200), CropMode.Face, 0.15f, 512).SourceCrop;
        Assert.Equal(400, big.Width, 2);
        Assert.True(big.X >= 0 && big.Right <= 500 && big.Y >= -0.01f && big.Bottom <= 400.01f);

        // The face itself fills the image: the crop must extend past it, covering the whole image.
        var huge = Framing.Compute(300, 300, new RectF(20, 20, 260, 260), CropMode.Face, 0.15f, 512).SourceCrop;
        Assert.True(huge.Width >= 260 * 1.3f - 0.01f);
        Assert.True(huge.X <= 0 && huge.Right >= 300 && huge.Y <= 0 && huge.Bottom >= 300);
    }

    [Theory]
    [InlineData(1920, 1080, 768, 1360, 768)]
    [InlineData(1080, 1920, 768, 768, 1360)]
    [InlineData(1000, 1000, 512, 512, 512)]
    [InlineData(640, 480, 384, 512, 384)]
    public void Full_mode_keeps_the_aspect_with_sizes_multiple_of_16(int w, int h, int minRes, int expectedW, int expectedH)
    {
        var layout = Framing.Compute(w, h, Face, CropMode.Full, 0.15f, minRes);
        Assert.Equal(new RectF(0, 0, w, h), layout.SourceCrop);
        Assert.Equal(expectedW, layout.Width);
        Assert.Equal(expectedH, layout.Height);
        Assert.Equal(0, layout.Width % 16);
        Assert.Equal(0, layout.Height % 16);
    }
}
