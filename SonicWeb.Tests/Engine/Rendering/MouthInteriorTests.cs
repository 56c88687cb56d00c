using SonicWeb.Engine.Rendering;
using SonicWeb.Tests.TestSupport;
using Xunit.Abstractions;

namespace SonicWeb.Tests.Engine.Rendering;

/// <summary>
/// The inside of a wide-open mouth (docs/quality.md, round 15): a tongue lit from the front below a dark back of the
/// mouth, and the tips of four lower incisors just above the lower lip where the photo shows no teeth of its own (a
/// smile that shows teeth brings its own lower teeth down with the jaw, so none are drawn there). It was an even dark
/// fill with a flat grey band along the whole lower edge, which read as painted at 1024.
/// </summary>
[Collection(EngineCollection.Name)]
public class MouthInteriorTests(EngineFixture engine, ITestOutputHelper output)
{
    [Theory]
    [InlineData("dark-skin-woman.jpg", true)]
    [InlineData("smile-teeth-man.jpg", false)]       // white teeth: DetectTeeth sees them
    [InlineData("smile-teeth-older-man.jpg", false)] // yellower teeth: the lips' distance in the landmarks tells
    public async Task A_wide_open_mouth_shows_a_tongue_and_lower_teeth_only_where_the_photo_has_none(string file, bool drawsLowerTeeth)
    {
        var warp = await QualityPhotoMouth.LoadAsync(engine, file);
        var pose = warp.Open(1.2f);
        float halfWidth = warp.HalfWidth;
        // The interior's colour at a point of the mouth's frame (x along the lips, y down), when fully inside the opening.
        float? Luma(float lx, float ly, out float redness) => warp.InteriorLuma(pose, lx, ly, out redness);
        (float Top, float Bottom) Opening(float lx)
        {
            float top = float.NaN, bottom = float.NaN;
            for (float ly = -0.5f * halfWidth; ly <= 1.2f * halfWidth; ly += 0.1f)
                if (Luma(lx, ly, out _) != null) { if (float.IsNaN(top)) top = ly; bottom = ly; }
            return (top, bottom);
        }

        // Down the middle: the darkest row (the back of the mouth) and the tongue in the lowest third, lighter and red.
        var (top, bottom) = Opening(0);
        float gap = bottom - top, darkest = float.MaxValue, tongue = 0, tongueRed = 0; int n = 0;
        for (float ly = top; ly <= bottom; ly += 0.1f)
        {
            float luma = Luma(0, ly, out float red) ?? float.MaxValue;
            float t = (ly - top) / gap;
            if (t is > 0.3f and < 0.6f) darkest = MathF.Min(darkest, luma);
            if (t is > 0.72f and < 0.84f) { tongue += luma; tongueRed += red; n++; }
        }
        tongue /= n; tongueRed /= n;
        output.WriteLine($"{file}: opening {gap:0.0} source px; back of the mouth {darkest:0} luma, tongue {tongue:0} luma (red - green {tongueRed:0})");
        Assert.True(gap > 8, $"{file}: the widest pose opens only {gap:0.0} source px");
        Assert.True(tongue >= 2.5f * darkest && tongueRed >= 25, $"{file}: no tongue below the back of the mouth ({tongue:0} against {darkest:0}, red - green {tongueRed:0})");

        // Just above the lower lip, across the middle: bright tips with darker seams between them, or nothing brighter
        // than the tongue behind.
        var row = new List<float>();
        var rowRed = new List<float>();
        for (float lx = -0.45f * halfWidth; lx <= 0.45f * halfWidth; lx += 0.1f)
        {
            var (_, b) = Opening(lx);
            row.Add(Luma(lx, b - 0.5f, out float red) ?? 0);
            rowRed.Add(red);
        }
        float middle = row.Skip(row.Count / 3).Take(row.Count / 3).Average();
        float middleRed = rowRed.Skip(row.Count / 3).Take(row.Count / 3).Average();
        int seams = 0;
        for (int i = 3; i < row.Count - 3; i++)
            if (row[i] <= row.Skip(i - 3).Take(7).Min() && row[i] < 0.9f * MathF.Min(row.Skip(i - 8).Take(8).DefaultIfEmpty(0).Max(), row.Skip(i + 1).Take(8).Max()))
                seams++;
        output.WriteLine($"{file}: row above the lower lip {middle:0} luma (red - green {middleRed:0}) in the middle, {seams} seams");
        // Teeth are ivory (red barely above green), the tongue is red.
        if (drawsLowerTeeth)
        {
            Assert.True(middle >= 1.3f * tongue && middleRed <= 0.6f * tongueRed, $"{file}: no lower teeth above the lower lip ({middle:0} luma, red - green {middleRed:0})");
            Assert.True(seams >= 2, $"{file}: the lower teeth are one flat band ({seams} seams)"); // main: 0
        }
        // main drew a grey band there too: red - green 43 at 91 luma (0.47), against the tongue's 0.8 now.
        else Assert.True(middleRed >= 0.65f * middle && seams == 0, $"{file}: a drawn row of lower teeth (red - green {middleRed:0} at {middle:0} luma, {seams} seams) above the photo's own");
    }

    /// <summary>
    /// A smile whose teeth are too dim or yellow for <see cref="MouthWarp.DetectTeeth"/> still stands a teeth band apart
    /// in the landmarks: a synthetic band there was left only towards the corners, where the lips meet, as a pale sliver
    /// along the cavity's top (elderly-woman-smile at 1024), and smile-teeth-older-man got a whole second row under its
    /// own teeth. Before: 109 of 2628 and 2813 of 5049 of the top rows' samples ivory; now none.
    /// </summary>
    [Theory]
    [InlineData("elderly-woman-smile.jpg")]
    [InlineData("smile-teeth-older-man.jpg")]
    public async Task No_teeth_are_drawn_under_a_smile_that_shows_its_own(string file)
    {
        var warp = await QualityPhotoMouth.LoadAsync(engine, file);
        var pose = warp.Open(1.2f);
        float halfWidth = warp.HalfWidth;
        int ivory = 0, samples = 0;
        for (float lx = -0.95f * halfWidth; lx <= 0.95f * halfWidth; lx += 0.25f)
        {
            // The top 2 source px of the opening in this column, where a teeth band hangs from the upper lip.
            float? top = null;
            for (float ly = -0.5f * halfWidth; ly <= 1.2f * halfWidth; ly += 0.25f)
            {
                float alpha = warp.Interior(pose, lx, ly, out float r, out float g, out float b);
                if (alpha < 0.99f) { if (top != null) break; continue; }
                top ??= ly;
                if (ly > top + 2) break;
                samples++;
                float luma = 0.299f * r + 0.587f * g + 0.114f * b;
                if (luma > 90 && r - g < 0.25f * luma) ivory++;
            }
        }
        output.WriteLine($"{file}: {ivory} of {samples} samples along the cavity's top are ivory");
        Assert.True(samples > 100, $"{file}: only {samples} samples");
        Assert.True(ivory <= 0.005 * samples, $"{file}: {ivory} of {samples} samples along the cavity's top are drawn teeth");
    }

    /// <summary>
    /// The cavity and the tongue carry the lower lip's grain (docs/quality.md, round 26): a smooth drawn gradient read as
    /// painted beside the photo's own lips at 1024. Across the middle of the opening, at one depth, the interior's luma
    /// minus its own 9-sample moving average (the gradient) spreads by at least a quarter of the lip's measured grain (the
    /// average over 4.5 source px takes part of a 2 px grain with it: 0.33-0.61 of it here; without grain, 0.01-0.02).
    /// </summary>
    [Theory]
    [InlineData("dark-skin-woman.jpg")]
    [InlineData("smile-teeth-man.jpg")]
    public async Task The_inside_of_the_mouth_has_the_lips_grain(string file)
    {
        var warp = await QualityPhotoMouth.LoadAsync(engine, file);
        var (landmarks, pose) = (warp.Landmarks, warp.Open(1.2f));
        var photo = await SonicWeb.Engine.Media.ImageLoader.LoadAsync(TestMedia.QualitySet(file), new SonicWeb.Engine.Media.MediaLimits(), CancellationToken.None);
        float lipGrain = InteriorColours.From(photo, landmarks, new LipGap.Rgb(170, 90, 85)).Grain;
        float halfWidth = warp.HalfWidth;
        float worst = float.MaxValue;
        foreach (float depthShare in new[] { 0.35f, 0.8f })   // the dark back of the mouth, the tongue
        {
            // The opening's top and bottom down the middle, then a row across at this share of its height.
            float top = float.NaN, bottom = float.NaN;
            for (float ly = -0.5f * halfWidth; ly <= 1.2f * halfWidth; ly += 0.1f)
                if (Sample(0, ly) is not null) { if (float.IsNaN(top)) top = ly; bottom = ly; }
            float row = top + depthShare * (bottom - top);
            var lumas = new List<float>();
            for (float lx = -0.45f * halfWidth; lx <= 0.45f * halfWidth; lx += 0.5f)
                lumas.Add(Sample(lx, row) ?? float.NaN);
            double sumSq = 0, sumLuma = 0; int n = 0;
            for (int i = 4; i < lumas.Count - 4; i++)
            {
                float mean = 0;
                for (int k = -4; k <= 4; k++) mean += lumas[i + k];
                float residual = lumas[i] - mean / 9;
                if (float.IsNaN(residual)) continue;
                sumSq += residual * residual; sumLuma += lumas[i]; n++;
            }
            float roughness = (float)(Math.Sqrt(sumSq / n) / (sumLuma / n));
            output.WriteLine($"{file}: at {depthShare:0.00} of the opening the interior's grain is {roughness:0.000} of its luma (lip grain {lipGrain:0.000}, {n} samples)");
            worst = MathF.Min(worst, roughness / lipGrain);
        }
        Assert.True(lipGrain > 0.02f, $"{file}: the lip grain reads only {lipGrain:0.000}");
        Assert.True(worst >= 0.25f, $"{file}: the interior carries only {worst:0.00} of the lip's grain");

        float? Sample(float lx, float ly) => warp.InteriorLuma(pose, lx, ly, out _);
    }

    /// <summary>
    /// Drawn upper teeth are rounded one by one (docs/quality.md, round 28): each is lit in its middle and darker
    /// towards its sides. A flat band cut by thin dark seams read as piano keys at 1024. Across the band's middle, from
    /// the centre line outwards, the seams are the row's local minima; in each tooth between two of them the luma a
    /// quarter of the tooth's width in from its seams is at most 0.97 of the tooth's brightest (flat band: 0.99 for the middle teeth).
    /// </summary>
    [Theory]
    [InlineData("dark-skin-woman.jpg")]
    [InlineData("teen-boy.jpg")]
    public async Task Drawn_upper_teeth_are_rounded_one_by_one(string file)
    {
        var warp = await QualityPhotoMouth.LoadAsync(engine, file);
        var pose = warp.Open(0.8f);
        float halfWidth = warp.HalfWidth;
        var row = new List<float>();
        for (float lx = 0.02f; lx <= 0.7f * halfWidth; lx += 0.1f) row.Add(TeethMiddleLuma(warp, pose, lx));
        Assert.True(row.Count(float.IsNaN) <= row.Count / 10, $"{file}: no drawn teeth across {row.Count(float.IsNaN)} of {row.Count} columns");

        var seams = Enumerable.Range(3, row.Count - 6).Where(i => row[i] <= row.Skip(i - 3).Take(7).Min()).ToList();
        var ratios = new List<float>();
        for (int k = 0; k + 1 < seams.Count; k++)
        {
            int from = seams[k], to = seams[k + 1], width = to - from;
            if (width < 12) continue;
            float peak = row.Skip(from).Take(width).Max();
            float quarters = (row[from + width / 4] + row[to - width / 4]) / 2;
            ratios.Add(quarters / peak);
        }
        output.WriteLine($"{file}: {seams.Count} seams; quarter / peak per tooth: {string.Join(", ", ratios.Select(r => r.ToString("0.000")))}");
        Assert.True(ratios.Count >= 2, $"{file}: only {ratios.Count} whole teeth between seams");
        Assert.True(ratios.Max() <= 0.97f, $"{file}: a drawn tooth is flat across ({ratios.Max():0.000} of its peak a quarter in)");
    }

    /// <summary>
    /// A turned face's drawn teeth turn with it (docs/quality.md, round 29): the gap between the front teeth moves
    /// towards the far corner and the far side's teeth come out narrower. teen-boy looks a little to the image-left
    /// (his nose about a tenth of the face's half width off its outline's middle, about 10 degrees); glasses-elderly-woman
    /// looks at the camera. Across the teeth band's middle the seams are the row's local minima; the front gap is the
    /// one nearest the corners' midpoint.
    /// </summary>
    [Theory]
    [InlineData("teen-boy.jpg", true)]
    [InlineData("glasses-elderly-woman.jpg", false)]
    public async Task Drawn_teeth_turn_with_a_turned_face(string file, bool turnedToImageLeft)
    {
        var warp = await QualityPhotoMouth.LoadAsync(engine, file);
        var pose = warp.Open(0.8f);
        float halfWidth = warp.HalfWidth, step = 0.1f;
        var xs = new List<float>();
        var row = new List<float>();
        for (float lx = -0.75f * halfWidth; lx <= 0.75f * halfWidth; lx += step) { xs.Add(lx); row.Add(TeethMiddleLuma(warp, pose, lx)); }
        var seams = Enumerable.Range(3, row.Count - 6)
            .Where(i => !float.IsNaN(row[i]) && row[i] <= row.Skip(i - 3).Take(7).Where(v => !float.IsNaN(v)).Min()).Select(i => xs[i]).ToList();
        int front = seams.IndexOf(seams.MinBy(MathF.Abs));
        Assert.True(front >= 2 && front + 2 < seams.Count, $"{file}: too few seams either side of the front gap ({string.Join(", ", seams.Select(x => (x / halfWidth).ToString("0.00")))})");
        float shift = seams[front] / halfWidth;
        float farWidth = seams[front] - seams[front - 2], nearWidth = seams[front + 2] - seams[front];
        output.WriteLine($"{file}: front gap at {shift:0.000} half widths; two teeth image-left {farWidth:0.0} px, image-right {nearWidth:0.0} px");
        if (turnedToImageLeft)
        {
            Assert.True(shift <= -0.04f, $"{file}: the front gap sits at {shift:0.000} half widths, not towards the far (image-left) corner");
            Assert.True(farWidth <= 0.96f * nearWidth, $"{file}: the far side's two teeth are {farWidth:0.0} px against the near side's {nearWidth:0.0}");
        }
        else
        {
            Assert.True(MathF.Abs(shift) <= 0.02f, $"{file}: a face looking at the camera has its front gap at {shift:0.000} half widths");
            Assert.InRange(farWidth / nearWidth, 0.97f, 1.03f);
        }
    }

    /// <summary>The drawn teeth's luma in column <paramref name="lx"/>: the middle of the ivory run from the opening's top down (NaN: none there).</summary>
    private static float TeethMiddleLuma(QualityPhotoMouth warp, in MouthWarp.Pose pose, float lx)
    {
        float halfWidth = warp.HalfWidth;
        float? top = null, bottom = null;
        for (float ly = -0.5f * halfWidth; ly <= 1.2f * halfWidth; ly += 0.05f)
        {
            float? luma = warp.InteriorLuma(pose, lx, ly, out float red);
            bool ivory = luma > 60 && red < 0.25f * luma;
            if (top is null) { if (ivory) top = ly; }
            else if (!ivory) { bottom = ly; break; }
        }
        return top is null || bottom is null ? float.NaN : warp.InteriorLuma(pose, lx, (top.Value + bottom.Value) / 2, out _) ?? float.NaN;
    }
}
