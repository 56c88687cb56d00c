using System.Numerics;
using SonicWeb.Engine.Rendering;
using SonicWeb.Tests.TestSupport;
using Xunit.Abstractions;

namespace SonicWeb.Tests.Engine.Rendering;

/// <summary>
/// The opening's outline on upright smiling photos (docs/quality.md, round 13): the cavity's lower edge must curve
/// like a lower lip all the way into each corner (it ran as a long straight diagonal: the jaw's sideways fall-off,
/// flat-topped with a convex tail, cancelled the lip line's own curve there), and the opening's tip must not climb
/// above the corners' line (on smile-teeth-man it followed the lower lip's fitted curve past the inner corner, up
/// into the cheek's crease) nor reach past the lips' corners (round 25: a wedge into the cheek).
/// </summary>
[Collection(EngineCollection.Name)]
public class MouthEdgeTests(EngineFixture engine, ITestOutputHelper output)
{
    /// <summary>Local-frame sampling step, source px.</summary>
    private const float Step = 0.25f;

    [Theory]
    [InlineData("smile-teeth-man.jpg")]
    [InlineData("beard-smile-teeth.jpg")]
    public async Task The_opening_curves_into_its_corners_and_its_tip_stays_level_with_them(string file)
    {
        var warp = await QualityPhotoMouth.LoadAsync(engine, file);
        float halfWidth = warp.HalfWidth;
        float worstRun = 0, worstReach = float.MinValue, worstRise = float.MinValue;
        foreach (float open in new[] { 0.5f, 1f, 1.2f })
        {
            var pose = warp.Open(open);
            bool Cavity(float lx, float ly) => warp.Interior(pose, lx, ly, out _, out _, out _) >= 0.5f;
            foreach (int side in new[] { -1, 1 })
            {
                // Per column of the mouth's frame, the cavity's lowest point (its lower edge) and, over all columns, how
                // far the opening reaches past the corner along the lips and above the corners' line.
                var bottom = new List<(float X, float Y)>();
                float reach = float.MinValue, rise = float.MinValue;
                for (float s = 0; s <= 1.4f * halfWidth; s += Step)
                {
                    float lowest = float.NaN;
                    for (float ly = -0.5f * halfWidth; ly <= 1.2f * halfWidth; ly += Step)
                        if (Cavity(side * s, ly))
                        {
                            lowest = ly;
                            reach = MathF.Max(reach, s - halfWidth);
                            if (s > 0.8f * halfWidth) rise = MathF.Max(rise, -ly);
                        }
                    if (!float.IsNaN(lowest)) bottom.Add((s, lowest));
                }
                // The longest stretch of the lower edge, from half a mouth width out, that stays within half a source
                // pixel of a straight line (as a share of the half width).
                var edge = bottom.Where(b => b.X >= 0.5f * halfWidth).ToArray();
                float run = 0;
                for (int i = 0; i < edge.Length; i++)
                    for (int j = i + 2; j < edge.Length; j++)
                    {
                        var (a, b) = (edge[i], edge[j]);
                        bool straight = true;
                        for (int k = i + 1; k < j && straight; k++)
                            straight = MathF.Abs(edge[k].Y - (a.Y + (b.Y - a.Y) * (edge[k].X - a.X) / (b.X - a.X))) <= 0.5f;
                        if (!straight) break;
                        run = MathF.Max(run, Vector2.Distance(new(a.X, a.Y), new(b.X, b.Y)) / halfWidth);
                    }
                output.WriteLine($"{file} open {open} {(side < 0 ? "left" : "right")}: straight run {run:0.00} half widths, tip {reach:+0.0;-0.0} px along the lips past the corner, {rise:+0.0;-0.0} px above the corners' line");
                worstRun = MathF.Max(worstRun, run); worstReach = MathF.Max(worstReach, reach); worstRise = MathF.Max(worstRise, rise);
            }
        }
        output.WriteLine($"{file}: longest straight run {worstRun:0.00} half widths, tip at most {worstReach:0.0} px past the corner, {worstRise:0.0} px above its line");
        // main: straight runs 0.42-0.52 half widths at opens 1 and 1.2 (0.31-0.41 at 0.5), the tip up to 0.7 source px
        // above the corners' line (smile-teeth-man, open 0.5, image-right); round 13: at most 0.38, the tip at least
        // 3.5 px below the line. How far the tip reaches past the corner along the lips: 1.0-6.3 px on main, 0-6.8 in
        // round 13, a hard-topped wedge past the lips' corners on a broad smile; since round 25 the opening ends at the
        // corners, 2.3-4.7 px inside them.
        Assert.True(worstRun <= 0.4f, $"{file}: the cavity's lower edge runs straight for {worstRun:0.00} half widths towards a corner");
        Assert.True(worstReach <= 0, $"{file}: the opening's tip reaches {worstReach:0.0} source px past the lips' corner");
        Assert.True(worstRise <= 0, $"{file}: the opening's tip rises {worstRise:0.0} source px above the corners' line");
    }
}
