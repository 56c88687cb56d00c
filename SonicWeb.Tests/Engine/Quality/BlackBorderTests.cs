using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Quality;

namespace SonicWeb.Tests.Engine.Quality;

/// <summary>
/// The black-border measure (docs/quality.md, round 28) forgives the photo's own dark moved to the bottom edge by head
/// motion or the jaw within a reach that grows with the frame: 16 px at 512, 32 px at 1024. A fixed 16 px flagged the
/// shadow under smile-teeth-man's chin at 1024 (1.1%) while the same frames at 512 read 0.0%. Black padding, where the
/// photo has nothing dark, is still counted at every size.
/// </summary>
public class BlackBorderTests
{
    /// <summary>A mid-grey frame of <paramref name="size"/> px with the given columns' pixels near-black from row
    /// <paramref name="fromRow"/> down to the bottom edge.</summary>
    private static RgbImage Frame(int size, int fromRow, int darkFromX, int darkToX)
    {
        var image = new RgbImage(size, size);
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                byte v = y >= fromRow && x >= darkFromX && x < darkToX ? (byte)5 : (byte)128;
                int i = (y * size + x) * 3;
                image.Pixels[i] = image.Pixels[i + 1] = image.Pixels[i + 2] = v;
            }
        return image;
    }

    [Theory]
    [InlineData(512, 12, true)]   // the shadow 12 px above the edge: within 16 px
    [InlineData(512, 24, false)]  // 24 px above: beyond 16 px at 512
    [InlineData(1024, 24, true)]  // the same shadow at 1024 is 24 px above: within 32 px
    [InlineData(1024, 40, false)]
    public void The_photos_own_shadow_at_the_bottom_edge_is_forgiven_within_a_reach_that_scales_with_the_frame(int size, int shadowAbove, bool forgiven)
    {
        // The still: a dark band (the shadow under the chin) ending shadowAbove px above the bottom edge.
        int bottomOfShadow = size - 1 - shadowAbove;
        var still = Frame(size, bottomOfShadow - 10, size / 3, size / 2);
        for (int y = bottomOfShadow + 1; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                int i = (y * size + x) * 3;
                still.Pixels[i] = still.Pixels[i + 1] = still.Pixels[i + 2] = 128;
            }
        // The frame: the jaw dragged that shadow down to the bottom edge (drop 0 here, so only the reach forgives it).
        var frame = Frame(size, size - 4, size / 3, size / 2);

        double share = VideoQualityAnalyzer.BlackBorderShare(frame, VideoQualityAnalyzer.DarkNearRing(still), VideoQualityAnalyzer.DarkAboveBottom(still));

        if (forgiven) Assert.Equal(0, share);
        else Assert.True(share > 0.01, $"{size} px, shadow {shadowAbove} px above the edge: {share:P2} of the ring flagged");
    }

    [Theory]
    [InlineData(512)]
    [InlineData(1024)]
    public void Black_padding_where_the_photo_has_nothing_dark_is_counted_at_every_size(int size)
    {
        var still = Frame(size, size, 0, 0);                     // no dark anywhere
        var frame = Frame(size, size - 6, 0, size / 2);          // padding along half the bottom edge
        double share = VideoQualityAnalyzer.BlackBorderShare(frame, VideoQualityAnalyzer.DarkNearRing(still), VideoQualityAnalyzer.DarkAboveBottom(still));
        Assert.True(share > 0.1, $"{size} px: padding along half the bottom edge reads {share:P2}");
    }
}
