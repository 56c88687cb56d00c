using System.Numerics;
using SonicWeb.Engine.Animation;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Media;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Engine.Rendering;
using SonicWeb.Tests.TestSupport;
using Xunit.Abstractions;

namespace SonicWeb.Tests.Engine.Rendering;

/// <summary>
/// Photos without skin between the upper lashes and the brow (docs/quality.md round 10): smile-teeth-man's thick brow sits
/// on the lid crease, glasses-elderly-woman's frame sits there. Stretching the lid from a brow line pulled hair or frame
/// down over the shut eye; <see cref="EyelidWarp"/> now fills such a lid with skin from below the eye and leaves the
/// brow (frame) where it is. Photos with a skin band must not change at all.
/// </summary>
[Collection(EngineCollection.Name)]
public class LidFillTests(EngineFixture engine, ITestOutputHelper output)
{
    private static readonly FacePose Shut = new(0, 0, 1, 0, 0, 0, 0, 0), Half = new(0, 0, 0.5f, 0, 0, 0, 0, 0);

    /// <summary>
    /// The band from 0.5 to 1.2 landmark lid heights above the eye's corner line (middle half of the eye) lies under the shut
    /// lid, below the brow (which stays put). Brow hair there is much darker than skin: at most 5% of the band may be darker
    /// than 0.7 of the cheek's median luma (still frame); the lid fill itself is a little darker (shaded) than the skin it comes from.
    /// </summary>
    [Theory]
    [InlineData(512)]
    [InlineData(1024)]
    public async Task A_shut_eye_under_a_low_thick_brow_is_covered_by_skin_not_by_the_brow(int resolution)
    {
        var (renderer, layout, points) = await Load("smile-teeth-man.jpg", resolution);
        Assert.True(renderer.LeftEye.FillsLid && renderer.RightEye.FillsLid, "smile-teeth-man's eyes have no skin band above the lashes");
        var (still, shut, stretched) = StillShutAndStretched(renderer);
        foreach (var (outer, name) in new[] { (36, "image-left"), (42, "image-right") })
        {
            var (lid, cheek) = Bands(layout, points, outer, 1.2f);
            double skin = Median(cheek.Select(i => Luma(still, i)));
            int dark = lid.Count(i => Luma(shut, i) < 0.7 * skin), darkBefore = lid.Count(i => Luma(stretched, i) < 0.7 * skin);
            output.WriteLine($"{resolution} {name}: {dark} of {lid.Count} pixels over the shut lid darker than 0.7 x cheek ({skin:F0}), stretched lid {darkBefore}; " +
                $"lid mean {lid.Average(i => Luma(shut, i)):F0}, stretched {lid.Average(i => Luma(stretched, i)):F0}");
            Assert.True(lid.Count > 50, $"only {lid.Count} pixels checked");
            Assert.True(dark <= lid.Count / 20, $"{resolution} {name}: {dark} of {lid.Count} pixels over the shut lid are much darker than skin (the brow pulled down)");
        }
    }

    /// <summary>
    /// glasses-elderly-woman: the frame lies right above the lashes; stretched, its black and its pale highlight ran down the
    /// shut lid in streaks. Over the shut lid (0.8 to 1.5 lid heights above the corner line) at most 5% of the pixels may be
    /// grey (less than half the cheek's warmth) or dark (under 0.6 of the cheek's median luma).
    /// </summary>
    [Theory]
    [InlineData(512)]
    [InlineData(1024)]
    public async Task A_shut_eye_behind_a_glasses_frame_shows_no_streaks_of_the_frame(int resolution)
    {
        var (renderer, layout, points) = await Load("glasses-elderly-woman.jpg", resolution);
        Assert.True(renderer.LeftEye.FillsLid && renderer.RightEye.FillsLid, "the frame sits on the lid crease");
        var (still, shut, stretched) = StillShutAndStretched(renderer);
        foreach (var (outer, name) in new[] { (36, "image-left"), (42, "image-right") })
        {
            var (lid, cheekBand) = (Bands(layout, points, outer, 1.5f, 0.8f).Lid, Bands(layout, points, outer, 1.2f).Cheek);
            double warmth = Median(cheekBand.Select(i => Warmth(still, i))), skin = Median(cheekBand.Select(i => Luma(still, i)));
            int NotSkin(RgbImage image) => lid.Count(i => Warmth(image, i) < 0.5 * warmth || Luma(image, i) < 0.6 * skin);
            int notSkin = NotSkin(shut), before = NotSkin(stretched);
            output.WriteLine($"{resolution} {name}: {notSkin} of {lid.Count} pixels over the shut lid grey or dark (stretched lid {before}); cheek warmth {warmth:F0}, luma {skin:F0}");
            Assert.True(lid.Count > 50, $"only {lid.Count} pixels checked");
            Assert.True(notSkin <= lid.Count / 20, $"{resolution} {name}: {notSkin} of {lid.Count} pixels over the shut lid are grey or dark (the frame stretched down)");
        }
    }

    /// <summary>
    /// The filled lid takes the tone of the socket around the eye (docs/quality.md round 12). Copied from below the eye, where
    /// the skin catches the light, it was a pale grey oval in a darker, warmer socket. The socket is read on the still frame:
    /// the skin beyond both corners (1.15 to 1.6 half widths out, between the lids' heights) and the band just below the lower
    /// lashes, the median luma of each, averaged. The shut lid's mean luma (0.5 to 1.2 lid heights above the corner line,
    /// middle half of the eye) must lie from 12% below it to 16% above it. Before: smile-teeth-man 1.07 / 1.19, dark-skin-man
    /// 1.31 / 1.13 (image-left / image-right); round 12 0.98 / 1.08 and 1.00 / 0.97. Since round 21 the lid's edges are matched
    /// to the skin they meet (the lower lid at the lashes, the skin above its top), so a lid between a squint's dark corners and
    /// a pale lower lid lies between them: now 1.01 / 1.15 and 1.10 / 1.06 (smile-teeth-man's image-right corners 113, below
    /// its lashes 158, the lid 156).
    /// </summary>
    [Theory]
    [InlineData("smile-teeth-man.jpg")]
    [InlineData("dark-skin-man.jpg")]
    public async Task A_filled_shut_lid_has_the_tone_of_the_socket_around_the_eye(string photo)
    {
        var (renderer, layout, points) = await Load(photo, 512);
        Assert.True(renderer.LeftEye.FillsLid && renderer.RightEye.FillsLid, $"{photo}: both lids are filled");
        var still = RenderTestSupport.Render(renderer, FacePose.Neutral);
        var shut = RenderTestSupport.Render(renderer, Shut);
        foreach (var (outer, name) in new[] { (36, "image-left"), (42, "image-right") })
        {
            var lid = Bands(layout, points, outer, 1.2f).Lid;
            var (corners, below) = Socket(layout, points, outer);
            double socket = (Median(corners.Select(i => Luma(still, i))) + Median(below.Select(i => Luma(still, i)))) / 2;
            double mean = lid.Average(i => Luma(shut, i));
            output.WriteLine($"{photo} {name}: shut lid mean luma {mean:F0}, socket {socket:F0} (corners {Median(corners.Select(i => Luma(still, i))):F0}, " +
                $"below the lashes {Median(below.Select(i => Luma(still, i))):F0}), ratio {mean / socket:F2}");
            Assert.True(lid.Count > 50 && corners.Count > 20 && below.Count > 20, $"too few pixels: {lid.Count}, {corners.Count}, {below.Count}");
            Assert.InRange(mean / socket, 0.88, 1.16);
        }
    }

    /// <summary>
    /// Round 21: one tone per eye, matched to a socket that eyeliner, lashes or a squint's crease darken, left the filled lid
    /// darker and greyer than the lower lid it meets at the shut eye's lashes (phone-photo's made-up eyes read as grey ovals).
    /// Per output column over the middle of the eye, the shut eye's lash line is the darkest row from the corner line to 2.5
    /// lower-lid heights below it; the step is the colour distance between the shut frame's mean 4-8 px above that row (the
    /// lid) and 4-8 px below it (the lower lid), over the latter's luma. Its mean over the columns and both eyes must be at
    /// most 0.85 of what round 20 gave (the InlineData, image-left / image-right; now 0.101 / 0.083, 0.113 / 0.174,
    /// 0.037 / 0.053, 0.123 / 0.270, 0.194 / 0.275, 0.210 / 0.220).
    /// </summary>
    [Theory]
    [InlineData("phone-photo-exif-rotated.jpg", 0.219, 0.363)]
    [InlineData("teen-boy.jpg", 0.264, 0.257)]
    [InlineData("group-four-women.jpg", 0.180, 0.316)]
    [InlineData("smile-teeth-man.jpg", 0.201, 0.405)]
    [InlineData("dark-skin-man.jpg", 0.234, 0.503)]
    [InlineData("beard-smile-teeth.jpg", 0.319, 0.349)]
    public async Task A_filled_shut_lid_meets_the_lower_lid_at_its_lashes_without_a_step_in_colour(string photo, double beforeLeft, double beforeRight)
    {
        var (renderer, layout, points) = await Load(photo, 1024);
        var shut = RenderTestSupport.Render(renderer, Shut);
        float perPixel = layout.SourceCrop.Width / layout.Width;
        var both = new List<double>();
        foreach (var (outer, name, before) in new[] { (36, "image-left", beforeLeft), (42, "image-right", beforeRight) })
        {
            var eye = EyeFrame.Of(points, outer);
            var steps = new List<double>();
            foreach (var (along, line) in ShutLashLine(shut, layout, eye))
            {
                Vector3 Mean(int from, int to) =>
                    MeanRgb(Enumerable.Range(from, to - from + 1).Select(k => Rgb(shut, eye.OutputIndex(layout, along, line + k * perPixel))));
                Vector3 lid = Mean(-8, -4), skin = Mean(4, 8);
                steps.Add(Vector3.Distance(lid, skin) / Math.Max(0.299 * skin.X + 0.587 * skin.Y + 0.114 * skin.Z, 1));
            }
            output.WriteLine($"{photo} {name}: the lid differs from the lower lid at the lashes by {steps.Average():P1} ({steps.Count} columns; round 20 {before:P1})");
            Assert.True(steps.Count > 20, $"{name}: only {steps.Count} columns");
            both.Add(steps.Average());
        }
        Assert.True(both.Average() <= 0.85 * (beforeLeft + beforeRight) / 2,
            $"the lid differs from the lower lid at its lashes by {both.Average():P1} on average (round 20: {(beforeLeft + beforeRight) / 2:P1})");
    }

    /// <summary>
    /// Round 22: the lash line of a filled shut lid was the lid darkened by a fixed factor, a cool grey arc whatever the
    /// person's lashes looked like. It is now drawn in the colour of the photo's own upper lashes. Read at 1024: the photo's
    /// lashes are the darkest tenth of the open eye's upper half (still frame, middle 80% of the eye); the shut line, per
    /// output column over the middle of the eye, is the darkest pixel from the corner line to 2.5 lower-lid heights below
    /// it. The distance between their chromaticities (r and g over r + g + b), averaged over both eyes, must be at most 0.9
    /// of round 21's (the InlineData, image-left / image-right; round 22 gives 0.89, 0.46, 0.69, 0.70, 0.71 and 0.77 of it).
    /// Near-black lashes make the reference's chromaticity noisy, which is why the bound is relative to round 21 on the same
    /// pixels rather than absolute.
    /// </summary>
    [Theory]
    [InlineData("smile-teeth-man.jpg", 0.5073, 0.5566)]
    [InlineData("glasses-elderly-woman.jpg", 0.1945, 0.1548)]
    [InlineData("dark-skin-man.jpg", 0.0489, 0.0245)]
    [InlineData("beard-white-older-man.jpg", 0.3937, 0.3248)]
    [InlineData("group-four-women.jpg", 0.0675, 0.1256)]
    [InlineData("beard-smile-teeth.jpg", 0.0495, 0.0334)]
    public async Task A_filled_shut_lid_s_lash_line_has_the_colour_of_the_photo_s_lashes(string photo, double beforeLeft, double beforeRight)
    {
        var (renderer, layout, points) = await Load(photo, 1024);
        var still = RenderTestSupport.Render(renderer, FacePose.Neutral);
        var shut = RenderTestSupport.Render(renderer, Shut);
        static Vector2 Chromaticity(Vector3 rgb) => new Vector2(rgb.X, rgb.Y) / Math.Max(rgb.X + rgb.Y + rgb.Z, 1);
        var both = new List<double>();
        foreach (var (outer, name, before) in new[] { (36, "image-left", beforeLeft), (42, "image-right", beforeRight) })
        {
            var eye = EyeFrame.Of(points, outer);
            var open = Region(layout, eye.Centre, eye.Axis, eye.Down, 0.8f * eye.HalfWidth, -eye.Upper, 0).OrderBy(i => Luma(still, i)).ToList();
            var lashesMean = MeanRgb(open.Take(Math.Max(1, open.Count / 10)).Select(i => Rgb(still, i)));
            var lashes = Chromaticity(lashesMean);
            var lineMean = MeanRgb(ShutLashLine(shut, layout, eye).Select(c => Rgb(shut, eye.OutputIndex(layout, c.Along, c.Row))));
            double distance = Vector2.Distance(Chromaticity(lineMean), lashes);
            output.WriteLine($"{photo} {name}: the shut lash line ({lineMean.X:F0}, {lineMean.Y:F0}, {lineMean.Z:F0}) is {distance:F4} in chromaticity " +
                $"from the photo's lashes ({lashesMean.X:F0}, {lashesMean.Y:F0}, {lashesMean.Z:F0}; round 21 {before:F4})");
            both.Add(distance);
        }
        Assert.True(both.Average() <= 0.9 * (beforeLeft + beforeRight) / 2,
            $"the shut lash line's chromaticity is {both.Average():F4} from the photo's lashes on average (round 21: {(beforeLeft + beforeRight) / 2:F4})");
    }

    /// <summary>
    /// Round 23: a stretched lid (a photo with skin between lashes and brow) drew its lashes and the made-up lid above them
    /// down into vertical streaks: dark-skin-woman's eyeshadow and thick lashes read as a combed, striped lid. It is now
    /// averaged along the eye over about its stretch (EyelidWarp.SmearPerStretch). Read at 1024 on the shut frame, over the
    /// middle half of the eye from 0.8 upper-lid heights above the corner line to it: the mean absolute luma step between
    /// neighbouring output pixels of a row. It must be at most 0.75 of the same renderer's with the smear off, per eye (now
    /// 0.64 / 0.43 and 0.64 / 0.54). The astronaut's lids were hardly striped (1.82 / 1.13 levels; now 0.68 / 0.94 of that),
    /// so they are not a case here.
    /// </summary>
    [Theory]
    [InlineData("dark-skin-woman.jpg")]
    [InlineData("elderly-woman-smile.jpg")]
    public async Task A_stretched_shut_lid_is_smooth_along_the_eye_not_striped(string photo)
    {
        var (renderer, layout, points) = await Load(photo, 1024);
        Assert.False(renderer.LeftEye.FillsLid || renderer.RightEye.FillsLid, $"{photo}: both lids are stretched, not filled");
        var smeared = RenderTestSupport.Render(renderer, Shut);
        renderer.LeftEye.AllowSmear = false; renderer.RightEye.AllowSmear = false;
        var striped = RenderTestSupport.Render(renderer, Shut);
        var failures = new List<string>();
        foreach (var (outer, name) in new[] { (36, "image-left"), (42, "image-right") })
        {
            var eye = EyeFrame.Of(points, outer);
            var lid = Region(layout, eye.Centre, eye.Axis, eye.Down, 0.5f * eye.HalfWidth, -0.8f * eye.Upper, 0).ToHashSet();
            double Steps(RgbImage image) => lid.Where(i => lid.Contains(i + 3)).Average(i => Math.Abs(Luma(image, i + 3) - Luma(image, i)));
            double now = Steps(smeared), before = Steps(striped);
            output.WriteLine($"{photo} {name}: the shut lid's step along rows is {now:F2} levels, {before:F2} without the smear ({now / before:F2})");
            if (now > 0.75 * before) failures.Add($"{photo} {name}: {now:F2} against {before:F2} without the smear");
        }
        Assert.Empty(failures);
    }

    /// <summary>
    /// A filled shut lid keeps the skin's grain where it is flattened towards the crease (docs/quality.md round 27): it read
    /// as smooth as plastic beside wrinkled skin at 1024. Over the upper half of the lid, the mean step in luma between
    /// pixels three apart along a row rises by at least 20% with the grain against without it: 1.45 / 1.49 on smile-teeth-man.
    /// How much comes back follows the grain of the skin the lid is taken from: dark-skin-man's 1.59 / 1.08 (its image-right
    /// eye's skin below is smooth) are printed in docs/quality.md, not checked.
    /// </summary>
    [Theory]
    [InlineData("smile-teeth-man.jpg")]
    public async Task A_filled_shut_lid_has_the_skin_s_grain(string photo)
    {
        var (renderer, layout, points) = await Load(photo, 1024);
        Assert.True(renderer.LeftEye.FillsLid && renderer.RightEye.FillsLid, $"{photo}: both lids are filled");
        var grained = RenderTestSupport.Render(renderer, Shut);
        renderer.LeftEye.AllowGrain = false; renderer.RightEye.AllowGrain = false;
        var smooth = RenderTestSupport.Render(renderer, Shut);
        var failures = new List<string>();
        foreach (var (outer, name) in new[] { (36, "image-left"), (42, "image-right") })
        {
            var eye = EyeFrame.Of(points, outer);
            var lid = Region(layout, eye.Centre, eye.Axis, eye.Down, 0.5f * eye.HalfWidth, -0.8f * eye.Upper, -0.3f * eye.Upper).ToHashSet();
            double Steps(RgbImage image) => lid.Where(i => lid.Contains(i + 9)).Average(i => Math.Abs(Luma(image, i + 9) - Luma(image, i)));
            double now = Steps(grained), before = Steps(smooth);
            output.WriteLine($"{photo} {name}: the filled lid's step along rows is {now:F2} levels, {before:F2} without the grain ({now / before:F2})");
            if (now < 1.2 * before) failures.Add($"{photo} {name}: {now:F2} against {before:F2} without the grain");
        }
        Assert.Empty(failures);
    }

    /// <summary>
    /// The shut eye's lash line, per output column over the middle half of the eye: the column's place along the eye and
    /// the row of its darkest pixel from the corner line to 2.5 lower-lid heights below it (eye-frame source units).
    /// </summary>
    private static IEnumerable<(float Along, float Row)> ShutLashLine(RgbImage shut, FrameLayout layout, EyeFrame eye)
    {
        float perPixel = layout.SourceCrop.Width / layout.Width;
        for (float lx = -0.5f * eye.HalfWidth; lx <= 0.5f * eye.HalfWidth; lx += perPixel)
        {
            float line = 0; double darkest = double.MaxValue;
            for (float ly = 0; ly <= 2.5f * eye.Lower; ly += perPixel)
            {
                double luma = Luma(shut, eye.OutputIndex(layout, lx, ly));
                if (luma < darkest) { darkest = luma; line = ly; }
            }
            yield return (lx, line);
        }
    }

    private static Vector3 Rgb(RgbImage image, int i) => new(image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2]);

    private static Vector3 MeanRgb(IEnumerable<Vector3> colours)
    {
        var (sum, count) = colours.Aggregate((Sum: Vector3.Zero, Count: 0), (a, c) => (a.Sum + c, a.Count + 1));
        return sum / Math.Max(count, 1);
    }

    /// <summary>Byte offset of the output pixel over a source position (clamped to the frame).</summary>
    private static int OutputIndex(FrameLayout layout, Vector2 source)
    {
        float perPixel = layout.SourceCrop.Width / layout.Width;
        int u = (int)((source.X - layout.SourceCrop.X) / perPixel), v = (int)((source.Y - layout.SourceCrop.Y) / perPixel);
        return (Math.Clamp(v, 0, layout.Height - 1) * layout.Width + Math.Clamp(u, 0, layout.Width - 1)) * 3;
    }

    /// <summary>
    /// The lash line drawn along a filled shut lid is thin (docs/quality.md round 16): round 10 drew it 0.65 dark over two
    /// lash widths at full strength to near the corners, which at 1024 px was a thick, even arc that read as drawn. Read on
    /// the shut frame at 1024, over the middle half of the eye, from 0.5 lid heights above the corner line to 1.5 lower-lid
    /// heights below it: the pixels darker than 0.6 of the socket's median luma (the still frame's skin beyond the corners
    /// and below the lashes, see Socket; until round 20 the shut lid's own median, which moved with the lid's tone), per
    /// output pixel of the eye's width, are the line's thickness in output pixels. The photo's own dark lower lashes and
    /// creases count too and are the same before and now, so the bound is per eye: the figure before round 16 (3b7742d, the
    /// InlineData), less 15%. Before: smile-teeth-man 4.3 / 5.8 (image-left / image-right), dark-skin-man 6.0 / 3.4,
    /// glasses-elderly-woman 3.5 / 5.9; round 20 2.0 / 2.8, 3.5 / 0.2, 2.0 / 4.6; round 21 (a lighter lid round the line)
    /// 1.5 / 2.0, 2.2 / 0.0, 1.5 / 2.5.
    /// </summary>
    [Theory]
    [InlineData("smile-teeth-man.jpg", 4.3, 5.8)]
    [InlineData("dark-skin-man.jpg", 6.0, 3.4)]
    [InlineData("glasses-elderly-woman.jpg", 3.5, 5.9)]
    public async Task The_lash_line_of_a_filled_shut_lid_is_thin(string photo, double mainLeft, double mainRight)
    {
        var (renderer, layout, points) = await Load(photo, 1024);
        var still = RenderTestSupport.Render(renderer, FacePose.Neutral);
        var shut = RenderTestSupport.Render(renderer, Shut);
        float perPixel = layout.SourceCrop.Width / layout.Width;
        var failures = new List<string>();
        foreach (var (outer, name, main) in new[] { (36, "image-left", mainLeft), (42, "image-right", mainRight) })
        {
            var (centre, axis, down, halfWidth, upper, lower) = EyeFrame.Of(points, outer);
            var (corners, below) = Socket(layout, points, outer);
            double socket = Median(corners.Concat(below).Select(i => Luma(still, i)));
            var strip = Region(layout, centre, axis, down, 0.5f * halfWidth, -0.5f * upper, 1.5f * lower);
            double thickness = strip.Count(i => Luma(shut, i) < 0.6 * socket) / (halfWidth / perPixel);
            output.WriteLine($"{photo} {name}: lash line {thickness:F1} output px thick (main {main:F1}; socket luma {socket:F0})");
            if (thickness > 0.85 * main) failures.Add($"{photo} {name}: the lash line is {thickness:F1} px thick (main {main:F1})");
        }
        Assert.Empty(failures);
    }

    /// <summary>
    /// A shut eye's lash line is heavier towards its outer corner and thin towards the inner one (docs/quality.md round 29):
    /// even along the lid it read as a drawn arc at 1024. Measured over the band the test above reads (0.5 lid heights above
    /// the corner line to 1.5 lower-lid heights below it), separately over the outer and the inner stretch of the eye (0.2 to
    /// 0.5 half widths from its middle): the summed darkness, each pixel's luma below the socket's median. The photo's own dark (lower lashes,
    /// a crease, a dark corner) is not even either, so the outer / inner ratio is compared with the same renderer's with an
    /// even lash line: at least 1.2 times that, per eye (now 1.41 / 1.43 and 1.24 / 1.28). A filled lid (smile-teeth-man) and a stretched one (dark-skin-woman).
    /// </summary>
    [Theory]
    [InlineData("smile-teeth-man.jpg")]
    [InlineData("dark-skin-woman.jpg")]
    public async Task A_shut_lash_line_is_heavier_towards_the_outer_corner(string photo)
    {
        var (renderer, layout, points) = await Load(photo, 1024);
        var still = RenderTestSupport.Render(renderer, FacePose.Neutral);
        var tapered = RenderTestSupport.Render(renderer, Shut);
        renderer.LeftEye.AllowOuterLashes = false; renderer.RightEye.AllowOuterLashes = false;
        var even = RenderTestSupport.Render(renderer, Shut);
        var failures = new List<string>();
        // EyeFrame's axis runs from its first landmark to the fourth: 36 (outer) to 39 on the image-left eye, 42 (inner) to
        // 45 on the image-right one.
        foreach (var (first, name, outerSide) in new[] { (36, "image-left", -1f), (42, "image-right", 1f) })
        {
            var (centre, axis, down, halfWidth, upper, lower) = EyeFrame.Of(points, first);
            var (corners, below) = Socket(layout, points, first);
            double socket = Median(corners.Concat(below).Select(i => Luma(still, i)));
            var outerStretch = Region(layout, centre, axis, down, 0.5f * halfWidth, -0.5f * upper, 1.5f * lower, (lx, _) => outerSide * lx > 0.2f * halfWidth);
            var innerStretch = Region(layout, centre, axis, down, 0.5f * halfWidth, -0.5f * upper, 1.5f * lower, (lx, _) => -outerSide * lx > 0.2f * halfWidth);
            double Dark(RgbImage shut, List<int> stretch) => stretch.Sum(i => Math.Max(0, socket - Luma(shut, i)));
            double Ratio(RgbImage shut) => Dark(shut, outerStretch) / Math.Max(1.0, Dark(shut, innerStretch));
            double now = Ratio(tapered), before = Ratio(even);
            output.WriteLine($"{photo} {name}: darkness outer / inner {now:F2}, with an even lash line {before:F2} ({now / before:F2}x)");
            if (now < 1.2 * before) failures.Add($"{photo} {name}: outer / inner {now:F2} against {before:F2} with an even line");
        }
        Assert.Empty(failures);
    }

    /// <summary>The socket skin beside the eye (beyond the corners) and just below its lower lashes, output pixels (see the test above).</summary>
    private static (List<int> Corners, List<int> Below) Socket(FrameLayout layout, IReadOnlyList<Vector2> p, int outer)
    {
        var (centre, axis, down, halfWidth, upper, lower) = EyeFrame.Of(p, outer);
        var eyeWidth = Region(layout, centre, axis, down, 1.15f * halfWidth, -upper, lower).ToHashSet();
        var corners = Region(layout, centre, axis, down, 1.6f * halfWidth, -upper, lower).Where(i => !eyeWidth.Contains(i)).ToList();
        return (corners, Region(layout, centre, axis, down, 0.6f * halfWidth, 1.3f * lower, 1.3f * lower + 0.3f * (upper + lower)));
    }

    /// <summary>The still frame, the shut eye as drawn now, and the shut eye with the fill switched off (the old stretched lid).</summary>
    private static (RgbImage Still, RgbImage Shut, RgbImage Stretched) StillShutAndStretched(FaceRenderer renderer)
    {
        var still = RenderTestSupport.Render(renderer, FacePose.Neutral);
        var shut = RenderTestSupport.Render(renderer, Shut);
        SetFill(renderer, false);
        return (still, shut, RenderTestSupport.Render(renderer, Shut));
    }

    /// <summary>
    /// Photos with skin between lashes and brow keep the stretched lid exactly (the astronaut, the tilted group photo, a
    /// smiling older woman): no fill on either eye, and the half and full blink are pixel for pixel what they are with the fill
    /// switched off. On a photo that is filled, the open eye (blink 0) is untouched.
    /// </summary>
    [Theory]
    [InlineData("astronaut.png")]
    [InlineData("group-three-quarter.jpg")]
    [InlineData("elderly-woman-smile.jpg")]
    public async Task Photos_with_a_skin_band_above_the_lashes_render_exactly_as_before(string photo)
    {
        var (renderer, _, _) = await Load(photo, 512);
        output.WriteLine($"{photo}: band/under-eye luma {renderer.LeftEye.SkinBand:F0}/{renderer.LeftEye.UnderEye:F0}, {renderer.RightEye.SkinBand:F0}/{renderer.RightEye.UnderEye:F0}");
        Assert.False(renderer.LeftEye.FillsLid || renderer.RightEye.FillsLid);
        var half = RenderTestSupport.Render(renderer, Half).Pixels;
        var shut = RenderTestSupport.Render(renderer, Shut).Pixels;
        SetFill(renderer, false);
        Assert.Equal(RenderTestSupport.Render(renderer, Half).Pixels, half);
        Assert.Equal(RenderTestSupport.Render(renderer, Shut).Pixels, shut);
    }

    /// <summary>
    /// Round 18: eyes just above the old gate (0.65) kept a stretched lid that dragged what lies above the lashes down over
    /// the shut eye (mascara stripes, a pale crease band, pale streaks), and on four photos one eye was filled and the other
    /// stretched. Now such eyes are filled (gate 0.78), and beside a filled eye the other is filled below 0.94, so one
    /// face's eyes close alike. Before: every case here but dark-skin-man had one eye stretched.
    /// </summary>
    [Theory]
    [InlineData("group-four-women.jpg")]      // 0.49 / 0.77
    [InlineData("three-quarter-man.jpg")]     // 0.95 / 0.69: the near eye keeps its skin band, the far one is filled
    [InlineData("smile-teeth-older-man.jpg")] // 0.93 / 0.77
    [InlineData("phone-photo-exif-rotated.jpg")] // 0.71 / 0.80
    [InlineData("teen-boy.jpg")]              // 0.77 / 0.81
    [InlineData("beard-smile-teeth.jpg")]     // 0.80 / 0.51
    [InlineData("dark-skin-man.jpg")]         // 0.31 / 0.36, filled before too
    public async Task Eyes_without_a_clear_skin_band_are_filled_and_one_face_closes_both_alike(string photo)
    {
        var (renderer, _, _) = await Load(photo, 512);
        var (left, right) = (renderer.LeftEye, renderer.RightEye);
        output.WriteLine($"{photo}: band/under-eye {left.SkinBand / left.UnderEye:0.00} ({(left.FillsLid ? "filled" : "stretched")}), " +
            $"{right.SkinBand / right.UnderEye:0.00} ({(right.FillsLid ? "filled" : "stretched")})");
        if (photo == "three-quarter-man.jpg") Assert.True(right.FillsLid && !left.FillsLid, "the far eye (0.69) must be filled, the near one (0.95) stretched");
        else Assert.True(left.FillsLid && right.FillsLid, "both eyes of the face must be filled");
    }

    /// <summary>
    /// Round 20: with one tone per eye the filled lid's upper part stayed darker or greyer than the skin it fades into, an
    /// oval outline at 1024. Per output column over the middle 60% of the eye, the lid's top is where the shut frame first
    /// differs from the still frame (by more than 6 levels) going down from 2.5 lid heights above the corner line; the
    /// outline's contrast is the difference between the shut frame's mean luma 2-5 px below that row and the still frame's
    /// 1-4 px above it, over the latter. Its mean over the columns and both eyes must be at most 0.85 of what one tone
    /// per eye gave (the InlineData, measured on round 19's engine; round 20 0.106 / 0.115, 0.031 / 0.060, 0.334 / 0.040;
    /// round 21 0.106 / 0.104, 0.031 / 0.064, 0.334 / 0.044). Photos
    /// whose lid meets a brow or a glasses frame are left out: the lid is meant to differ from those, and it does not take
    /// their colour.
    /// </summary>
    [Theory]
    [InlineData("phone-photo-exif-rotated.jpg", 0.152, 0.139)]
    [InlineData("teen-boy.jpg", 0.048, 0.069)]
    [InlineData("group-four-women.jpg", 0.354, 0.123)]
    public async Task The_top_of_a_filled_lid_meets_the_skin_without_an_outline(string photo, double beforeLeft, double beforeRight)
    {
        var (renderer, layout, points) = await Load(photo, 1024);
        var still = RenderTestSupport.Render(renderer, FacePose.Neutral);
        var shut = RenderTestSupport.Render(renderer, Shut);
        float perPixel = layout.SourceCrop.Width / layout.Width;
        var both = new List<double>();
        foreach (var (outer, name, before) in new[] { (36, "image-left", beforeLeft), (42, "image-right", beforeRight) })
        {
            var (centre, axis, down, halfWidth, upper, _) = EyeFrame.Of(points, outer);
            var contrasts = new List<double>();
            for (float lx = -0.6f * halfWidth; lx <= 0.6f * halfWidth; lx += perPixel)
            {
                double Row(RgbImage image, float ly) => Luma(image, OutputIndex(layout, centre + lx * axis + ly * down));
                float edge = float.NaN;
                for (float ly = -2.5f * upper; ly < 0; ly += perPixel)
                    if (Math.Abs(Row(shut, ly) - Row(still, ly)) > 6) { edge = ly; break; }
                if (float.IsNaN(edge)) continue;
                double inside = Enumerable.Range(2, 4).Average(k => Row(shut, edge + k * perPixel));
                double outside = Enumerable.Range(1, 4).Average(k => Row(still, edge - k * perPixel));
                contrasts.Add(Math.Abs(inside - outside) / Math.Max(outside, 1));
            }
            double contrast = contrasts.Average();
            output.WriteLine($"{photo} {name}: the lid's top differs from the skin above it by {contrast:P1} ({contrasts.Count} columns; before {before:P1})");
            Assert.True(contrasts.Count > 20, $"{name}: the lid's top was found in only {contrasts.Count} columns");
            both.Add(contrast);
        }
        Assert.True(both.Average() <= 0.85 * (beforeLeft + beforeRight) / 2,
            $"the lid's top still differs from the skin above it by {both.Average():P1} on average (one tone per eye: {(beforeLeft + beforeRight) / 2:P1})");
    }

    /// <summary>
    /// Where the landmarks put the lower lid above the real lid's margin, the white of the eye showed as a pale crescent
    /// under the shut lid (phone-photo at 1024; docs/quality.md round 19). On the shut frame, over the eye's lower part
    /// (between the landmark corners, from 1.25 to 2.5 lower-lid heights below the corner line: the shut lid ends at about
    /// 1.2), a pixel is the eye's white when it has at least 0.9 of the cheek's median luma and under half its median chroma
    /// (the engine's own rule reads the skin right below the eye; this one the cheek further down). On phone-photo at most 1%
    /// of those pixels may be white (before: 22% and 19%); on photos whose white ends at the landmarks' lower lid the engine
    /// must find none below it, so their blink is drawn as before (pale lower lids and under-eye concealer stay skin).
    /// </summary>
    [Theory]
    [InlineData("phone-photo-exif-rotated.jpg", true)]
    [InlineData("astronaut.png", false)]
    [InlineData("smile-teeth-man.jpg", false)]
    [InlineData("teen-boy.jpg", false)]
    [InlineData("elderly-woman-smile.jpg", false)]
    [InlineData("dark-skin-man.jpg", false)]
    [InlineData("group-four-women.jpg", false)]
    public async Task No_white_of_the_eye_shows_under_a_shut_lid(string photo, bool whiteBelowTheLandmarks)
    {
        var (renderer, layout, points) = await Load(photo, 1024);
        var still = RenderTestSupport.Render(renderer, FacePose.Neutral);
        var shut = RenderTestSupport.Render(renderer, Shut);
        foreach (var (outer, name, eye) in new[] { (36, "image-left", renderer.LeftEye), (42, "image-right", renderer.RightEye) })
        {
            var (around, cheek) = EyeRegions(layout, points, outer);
            double skinLuma = Median(cheek.Select(i => Luma(still, i))), skinChroma = Median(cheek.Select(i => Chroma(still, i)));
            bool IsWhite(RgbImage image, int i) => Luma(image, i) >= 0.9 * skinLuma && Chroma(image, i) < 0.5 * skinChroma;
            int whiteShut = around.Count(i => IsWhite(shut, i)), whiteOpen = around.Count(i => IsWhite(still, i));
            output.WriteLine($"{photo} {name}: {whiteShut} of {around.Count} pixels white under the shut lid (open eye {whiteOpen}); " +
                $"white below the arc {eye.WhiteBelowShare:0.00} of its depth; cheek luma {skinLuma:F0}, chroma {skinChroma:F0}");
            if (!whiteBelowTheLandmarks)
            {
                Assert.Equal(0, eye.WhiteBelowShare);
                continue;
            }
            Assert.True(eye.WhiteBelowShare > 0.3f, $"{name}: the white below the landmarks' lower lid was not found");
            Assert.True(whiteShut <= around.Count / 100, $"{name}: {whiteShut} of {around.Count} pixels of the eye's white show under the shut lid");
        }
    }

    /// <summary>
    /// The landmarks' lower arc is a parabola; an almond eye's lower margin runs nearly straight into its corners, below it,
    /// and the white the photo shows there was left as slivers between the shut lid and the lower lashes (dark-skin-woman's
    /// image-right eye at 1024; docs/quality.md round 24). On the shut frame, in a band from a pixel below the shut lid's edge
    /// to half a lower-lid height below it, between the landmark corners (past them, a pale make-up highlight reads as white),
    /// pixels with at least 0.8 of the cheek's median luma and under half its chroma are counted: with the lower lid covering
    /// the white it reads per column, and with the eye's middle reading only (as before round 24). The named eye must lose
    /// most of them; no eye may gain any.
    /// </summary>
    [Theory]
    [InlineData("dark-skin-woman.jpg", "image-right", 0.3)]
    [InlineData("teen-boy.jpg", "image-left", 0.5)]
    [InlineData("astronaut.png", null, 1.0)]
    [InlineData("smile-teeth-man.jpg", null, 1.0)]
    [InlineData("group-four-women.jpg", null, 1.0)]
    public async Task No_white_of_the_eye_shows_at_a_shut_eye_s_corners(string photo, string? coveredEye, double maxShare)
    {
        var (renderer, layout, points) = await Load(photo, 1024);
        var still = RenderTestSupport.Render(renderer, FacePose.Neutral);
        var shut = RenderTestSupport.Render(renderer, Shut);
        SetCornerWhite(renderer, false);
        var middleOnly = RenderTestSupport.Render(renderer, Shut);
        float perPixel = layout.SourceCrop.Width / layout.Width;
        foreach (var (outer, name, eye) in new[] { (36, "image-left", renderer.LeftEye), (42, "image-right", renderer.RightEye) })
        {
            var (centre, axis, down, halfWidth, _, lower) = EyeFrame.Of(points, outer);
            var (_, cheek) = EyeRegions(layout, points, outer);
            double skinLuma = Median(cheek.Select(i => Luma(still, i))), skinChroma = Median(cheek.Select(i => Chroma(still, i)));
            bool IsWhite(RgbImage image, int i) => Luma(image, i) >= 0.8 * skinLuma && Chroma(image, i) < 0.5 * skinChroma;
            var band = Region(layout, centre, axis, down, halfWidth, 0, 3 * lower,
                (lx, ly) => ly > eye.ShutEdge(lx) + perPixel && ly < eye.ShutEdge(lx) + 0.5f * lower);
            int white = band.Count(i => IsWhite(shut, i)), whiteBefore = band.Count(i => IsWhite(middleOnly, i));
            output.WriteLine($"{photo} {name}: {white} of {band.Count} pixels under the shut lid's edge are the eye's white (middle reading only: {whiteBefore})");
            if (name == coveredEye)
            {
                Assert.True(whiteBefore >= 20, $"{name}: only {whiteBefore} white pixels to cover");
                Assert.True(white <= maxShare * whiteBefore, $"{name}: {white} pixels of the eye's white still show under the shut lid ({whiteBefore} before)");
            }
            else Assert.True(white <= whiteBefore, $"{name}: {white} white pixels under the shut lid, more than the {whiteBefore} before");
        }
    }

    /// <summary>In the eye's frame (landmark corners and lids): the eye's lower part with the lower lid (below the shut lid's
    /// edge; a pale grey eyeshadow on the lid above it reads as white), and the cheek below.</summary>
    private static (List<int> Around, List<int> Cheek) EyeRegions(FrameLayout layout, IReadOnlyList<Vector2> p, int outer)
    {
        var (centre, axis, down, halfWidth, upper, lower) = EyeFrame.Of(p, outer);
        return (Region(layout, centre, axis, down, halfWidth, 1.25f * lower, 2.5f * lower),
            Region(layout, centre, axis, down, 0.5f * halfWidth, 3f * lower, 5f * lower));
    }

    private static double Chroma(RgbImage image, int i)
        => Math.Max(image.Pixels[i], Math.Max(image.Pixels[i + 1], image.Pixels[i + 2])) - Math.Min(image.Pixels[i], Math.Min(image.Pixels[i + 1], image.Pixels[i + 2]));

    [Fact]
    public async Task The_open_eye_of_a_filled_photo_is_untouched()
    {
        var (renderer, _, _) = await Load("smile-teeth-man.jpg", 512);
        Assert.True(renderer.LeftEye.FillsLid);
        var open = RenderTestSupport.Render(renderer, FacePose.Neutral).Pixels;
        SetFill(renderer, false);
        Assert.Equal(RenderTestSupport.Render(renderer, FacePose.Neutral).Pixels, open);
    }

    private async Task<(FaceRenderer Renderer, FrameLayout Layout, IReadOnlyList<Vector2> Points)> Load(string photo, int resolution)
    {
        string photoPath = photo == "astronaut.png" ? TestMedia.AstronautPng : TestMedia.QualitySet(photo);
        var inspection = await engine.Backend.InspectAsync(photoPath, TestMedia.QualitySet("voice-en-male-hf-radio.wav"),
            new GenerationParameters { MinResolution = resolution });
        var image = await ImageLoader.LoadAsync(photoPath, new MediaLimits(), CancellationToken.None);
        var renderer = new FaceRenderer(image, inspection.Face.Landmarks, inspection.Layout, inspection.Face.OtherFaces);
        return (renderer, inspection.Layout, inspection.Face.Landmarks.Points);
    }

    private static void SetFill(FaceRenderer renderer, bool on) { renderer.LeftEye.AllowFill = on; renderer.RightEye.AllowFill = on; }

    private static void SetCornerWhite(FaceRenderer renderer, bool on) { renderer.LeftEye.AllowCornerWhite = on; renderer.RightEye.AllowCornerWhite = on; }

    /// <summary>
    /// In the eye's own frame (corners; upper and lower heights from the lid points): the band from 0.5 to bandTop upper-lid
    /// heights above the corner line, and the cheek from 1.5 to 3 lower-lid heights below it, both over the middle half of the eye.
    /// </summary>
    private static (List<int> Lid, List<int> Cheek) Bands(FrameLayout layout, IReadOnlyList<Vector2> p, int outer, float bandTop, float bandWidth = 0.5f)
    {
        var (centre, axis, down, halfWidth, upper, lower) = EyeFrame.Of(p, outer);
        return (Region(layout, centre, axis, down, bandWidth * halfWidth, -bandTop * upper, -0.5f * upper),
            Region(layout, centre, axis, down, 0.5f * halfWidth, 1.5f * lower, 3f * lower));
    }

    /// <summary>
    /// An eye's own frame from its six landmarks: the centre between the corners, the axis towards the other corner, the
    /// direction down across it, the half width, and the upper and lower lids' mean heights above and below the corner line.
    /// </summary>
    private readonly record struct EyeFrame(Vector2 Centre, Vector2 Axis, Vector2 Down, float HalfWidth, float Upper, float Lower)
    {
        public static EyeFrame Of(IReadOnlyList<Vector2> p, int outer)
        {
            int inner = outer + 3;
            Vector2 centre = (p[outer] + p[inner]) / 2, axis = Vector2.Normalize(p[inner] - p[outer]), down = new(-axis.Y, axis.X);
            float upper = -(Vector2.Dot(p[outer + 1] - centre, down) + Vector2.Dot(p[outer + 2] - centre, down)) / 2;
            float lower = (Vector2.Dot(p[outer + 4] - centre, down) + Vector2.Dot(p[outer + 5] - centre, down)) / 2;
            return new(centre, axis, down, Vector2.Distance(p[outer], p[inner]) / 2, upper, lower);
        }

        /// <summary>Byte offset of the output pixel over the eye-frame position (lx along the eye, ly down across it).</summary>
        public int OutputIndex(FrameLayout layout, float lx, float ly) => LidFillTests.OutputIndex(layout, Centre + lx * Axis + ly * Down);
    }

    /// <summary>Output pixels (byte offsets) whose source position lies in the eye-frame box |x| &lt; halfX, y0 &lt; y &lt; y1.</summary>
    internal static List<int> Region(FrameLayout layout, Vector2 centre, Vector2 axis, Vector2 down, float halfX, float y0, float y1,
        Func<float, float, bool>? where = null)
    {
        float perPixel = layout.SourceCrop.Width / layout.Width;
        var result = new List<int>();
        for (int v = 0; v < layout.Height; v++)
            for (int u = 0; u < layout.Width; u++)
            {
                var source = new Vector2(layout.SourceCrop.X + (u + 0.5f) * perPixel, layout.SourceCrop.Y + (v + 0.5f) * perPixel);
                float lx = Vector2.Dot(source - centre, axis), ly = Vector2.Dot(source - centre, down);
                if (MathF.Abs(lx) < halfX && ly > y0 && ly < y1 && (where is null || where(lx, ly))) result.Add((v * layout.Width + u) * 3);
            }
        return result;
    }

    /// <summary>Red minus blue: skin is warm, the frame's black and its highlight are not.</summary>
    private static double Warmth(RgbImage image, int i) => image.Pixels[i] - image.Pixels[i + 2];

    internal static double Luma(RgbImage image, int i) => 0.299 * image.Pixels[i] + 0.587 * image.Pixels[i + 1] + 0.114 * image.Pixels[i + 2];

    private static double Median(IEnumerable<double> values) => Quantile(values.ToArray(), 0.5);

    private static double Quantile(double[] values, double q)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted[(int)(q * (sorted.Length - 1))];
    }
}
