using SonicWeb.Engine.Backends.ComfyUI;
using SonicWeb.Engine.Imaging;

namespace SonicWeb.Tests.Engine.Backends;

/// <summary>
/// The square Sonic animates, on numbers worked out by hand from ComfyUI_Sonic's process_bbox (grow the face box by
/// expand_ratio of its own width and height, clamp to the photo, take the shorter side, slide along the longer side
/// towards the face, round halves to even).
/// </summary>
public class SonicCropTests
{
    [Fact]
    public void A_face_in_the_middle_gets_a_square_as_wide_as_the_grown_box_centred_on_it()
    {
        // Face 200 x 250 at (400, 350): grown by 0.5 -> x 300..700 (400 wide), y 225..725 (500 tall).
        // The square takes the shorter side (400) and keeps the centre (500, 475): the top and bottom 50 px go.
        var crop = SonicCrop.Compute(1000, 1000, new RectF(400, 350, 200, 250), 0.5);
        Assert.Equal(new SonicCropBox(300, 275, 700, 675), crop);
    }

    [Fact]
    public void A_larger_expand_ratio_gives_a_larger_square_around_the_same_face()
    {
        var face = new RectF(400, 350, 200, 250);
        // 1.0: x 200..800 (600), y 100..850 (750) -> 600 square centred on (500, 475).
        Assert.Equal(new SonicCropBox(200, 175, 800, 775), SonicCrop.Compute(1000, 1000, face, 1.0));
        // 0.1: x 380..620 (240), y 325..625 (300) -> 240 square.
        Assert.Equal(new SonicCropBox(380, 355, 620, 595), SonicCrop.Compute(1000, 1000, face, 0.1));
    }

    [Fact]
    public void A_face_near_the_left_edge_gets_a_smaller_square_that_stays_inside_the_photo()
    {
        // Face 200 x 250 at (20, 300): growing by 100 px to the left is clamped at 0, so the box is x 0..320 (320 wide),
        // y 175..675; the square is 320, not 400, and the face sits off-centre in it (20 px from its left edge).
        var crop = SonicCrop.Compute(1000, 800, new RectF(20, 300, 200, 250), 0.5);
        Assert.Equal(new SonicCropBox(0, 265, 320, 585), crop);
    }

    [Fact]
    public void A_face_clamped_at_the_top_slides_the_square_up_towards_the_face_by_at_most_the_slack()
    {
        // Face 200 x 300 at (300, 40): grown box x 200..600 (400), y 0..490 (490; 150 px above were cut at 0).
        // The grown box's centre is y 245, the face's 190: the square (400) moves up by min(45 slack, 55) = 45.
        var crop = SonicCrop.Compute(1000, 1000, new RectF(300, 40, 200, 300), 0.5);
        Assert.Equal(new SonicCropBox(200, 0, 600, 400), crop);
    }

    [Fact]
    public void A_box_wider_than_tall_after_clamping_loses_its_sides_and_rounds_halves_to_even()
    {
        // Face 200 x 250 at (400, 20): y is clamped to 0..395 (395 tall), x 300..700 (400 wide). Side 395 around x 500:
        // 302.5..697.5, which Python's round makes 302..698 (halves to even), not 303..698.
        var crop = SonicCrop.Compute(1000, 1000, new RectF(400, 20, 200, 250), 0.5);
        Assert.Equal(new SonicCropBox(302, 0, 698, 395), crop);
    }

    [Fact]
    public void A_tall_portrait_with_a_big_face_is_cut_to_the_photo_width_below_the_forehead()
    {
        // 600 x 1000 portrait, face 400 x 500 at (100, 300), ratio 1: grown x 0..600 (clamped both sides), y 0..1000.
        // The square is the photo's width (600); the face's centre (550) is 50 below the box's (500), so it slides down 50.
        var crop = SonicCrop.Compute(600, 1000, new RectF(100, 300, 400, 500), 1.0);
        Assert.Equal(new SonicCropBox(0, 250, 600, 850), crop);
        Assert.Equal(crop.Width, crop.Height);
    }

    [Theory]
    [InlineData(512, 512)]
    [InlineData(480, 512)] // 7.5 -> 8
    [InlineData(544, 512)] // 8.5 -> 8: halves go to the even multiple
    [InlineData(576, 576)]
    [InlineData(256, 256)]
    [InlineData(20, 64)]
    public void The_video_side_is_min_resolution_rounded_to_a_multiple_of_64(int minResolution, int side)
        => Assert.Equal(side, SonicCrop.OutputSide(minResolution));

    [Fact]
    public void A_face_box_outside_the_photo_is_refused()
        => Assert.Throws<ArgumentException>(() => SonicCrop.Compute(100, 100, new RectF(300, 300, 50, 50), 0.5));
}
