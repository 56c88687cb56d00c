using System.Numerics;
using System.Runtime.CompilerServices;

namespace SonicWeb.Engine.Rendering;

/// <summary>
/// Blink for one eye, in a frame along the eye (origin between the corners, x towards the image-right
/// corner, y down). The eye opening is modelled as two arcs meeting at the corners:
/// upper lid y = -Upper x k(x), lower lid y = Lower x k(x), k(x) = 1 - (x / halfWidth)^2.
/// Blinking slides the upper lid down (94% of the way) and lifts the lower lid only a little (6%), as
/// in a real blink: the lid skin between the brow line and the lid is stretched downwards over the
/// eye, which itself does not move (the lid covers it), and the cheek below the lower lid is barely
/// compressed.
/// <para>
/// The arcs meet a little beyond the landmark corners (<see cref="CornerReach"/>): the white of the eye
/// often shows a pixel or two past them, and a lid that closed exactly at the landmarks left a white
/// fleck in the corner of the shut eye. Where the lowered lid meets the lower lid the two sides come
/// from different parts of the photo (a hard edge that stair-steps when enlarged), so the lash line is
/// drawn across that seam, darkest on it and fading to both sides.
/// </para>
/// </summary>
internal sealed class EyelidWarp
{
    private const float UpperShare = 0.94f;
    /// <summary>Lid arcs end this far beyond the landmark corners (share of the half width).</summary>
    private const float CornerReach = 1.15f;
    private readonly LocalFrame _frame;
    private readonly float _halfWidth, _invHalfWidthSq, _upper, _lower, _browLine, _cheekLine, _lashWidth;

    public EyelidWarp(Vector2 outerOrLeftCorner, Vector2 otherCorner, Vector2[] upperLid, Vector2[] lowerLid, Vector2 browCentre, SonicWeb.Engine.Imaging.RgbImage photo)
    {
        var (left, right) = outerOrLeftCorner.X <= otherCorner.X ? (outerOrLeftCorner, otherCorner) : (otherCorner, outerOrLeftCorner);
        _frame = new LocalFrame((left + right) / 2, right - left);
        _halfWidth = CornerReach * Vector2.Distance(left, right) / 2;
        _invHalfWidthSq = 1 / (_halfWidth * _halfWidth);
        // Landmark lids sit on the visible edge of the eye; the lid margins (lashes, the wet line) lie a
        // little outside. Taking the opening slightly larger keeps iris and white from smearing into
        // the lowered lid and from peeking out under a closed eye.
        _upper = 1.2f * MathF.Max(ArcHeight(upperLid, -1), 0.12f * _halfWidth) + 0.04f * _halfWidth;
        _lower = 1.3f * MathF.Max(ArcHeight(lowerLid, +1), 0.08f * _halfWidth) + 0.04f * _halfWidth;
        _lashWidth = 0.3f * _upper;
        float browDistance = -_frame.LocalY(browCentre.X, browCentre.Y);
        _browLine = -MathF.Max(0.8f * browDistance, 1.8f * _upper);
        // The brow landmarks can sit well off the real brow (a rolled three-quarter face: a brow-height up on the
        // forehead, and the eye points turned against the real eye), and a brow line inside the brow stretched its
        // lower half down over the shut eye (a grey smudge). Where the photo shows the brow's lower edge below
        // that line, the lid skin is taken from below the edge instead.
        if (BrowEdge(photo) is float edge)
            _browLine = MathF.Max(_browLine, MathF.Min(edge, -BrowFloor * _upper));
        _cheekLine = _lower + MathF.Max(0.9f * (_upper + _lower), 0.3f * _halfWidth);
    }

    /// <summary>The brow line is never put closer to the eye than this many upper-lid heights.</summary>
    private const float BrowFloor = 1.5f;

    /// <summary>
    /// Where the brow begins above the eye, read on the photo: in three strips across the middle of the eye, the
    /// mean luminance of each row (1 source px apart) from just above the lashes up to the brow line; going up,
    /// the first row 15% darker than the brightest one below it is the brow's lower edge. Returns the edge
    /// nearest the eye (local y, one pixel towards the eye for the blur), or null where no strip finds one.
    /// </summary>
    private float? BrowEdge(SonicWeb.Engine.Imaging.RgbImage photo)
    {
        float nearest = float.MinValue;
        for (int strip = -1; strip <= 1; strip++)
        {
            float brightest = 0;
            for (float ly = -1.3f * _upper; ly > _browLine; ly -= 1)
            {
                float sum = 0; int n = 0;
                for (float lx = (0.4f * strip - 0.2f) * _halfWidth; lx <= (0.4f * strip + 0.2f) * _halfWidth; lx += 1, n++)
                {
                    _frame.ToImage(lx, ly, out float x, out float y);
                    int px = Math.Clamp((int)MathF.Round(x), 0, photo.Width - 1), py = Math.Clamp((int)MathF.Round(y), 0, photo.Height - 1);
                    int i = py * photo.Stride + 3 * px;
                    sum += 0.299f * photo.Pixels[i] + 0.587f * photo.Pixels[i + 1] + 0.114f * photo.Pixels[i + 2];
                }
                float luma = sum / n;
                if (luma < 0.85f * brightest) { nearest = MathF.Max(nearest, ly + 1); break; }
                brightest = MathF.Max(brightest, luma);
            }
        }
        return nearest == float.MinValue ? null : nearest;
    }

    /// <summary>Average height of a lid arc, from lid points (sign -1: above the corner line).</summary>
    private float ArcHeight(Vector2[] lidPoints, float sign)
    {
        float sum = 0; int n = 0;
        foreach (var p in lidPoints)
        {
            var l = _frame.ToLocal(p);
            float k = 1 - l.X * l.X / (_halfWidth * _halfWidth);
            if (k < 0.3f) continue;
            sum += sign * l.Y / k; n++;
        }
        return n == 0 ? 0 : sum / n;
    }

    /// <summary>Where in the source photo this warp can change anything.</summary>
    public SonicWeb.Engine.Imaging.RectF SourceBounds => _frame.ImageBounds(-_halfWidth, _halfWidth, _browLine, _cheekLine);

    private const float LashDarkness = 0.45f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Warp(float blink, ref float x, ref float y, out float shade)
    {
        shade = 1;
        if (blink <= 0) return;
        float lx = _frame.LocalX(x, y), ly = _frame.LocalY(x, y);
        if (ly <= _browLine || ly >= _cheekLine || lx <= -_halfWidth || lx >= _halfWidth) return;
        float k = 1 - lx * lx * _invHalfWidthSq;
        float upperLid = -_upper * k, lowerLid = _lower * k, opening = (_upper + _lower) * k;
        float newUpper = upperLid + blink * UpperShare * opening;
        float newLower = lowerLid - blink * (1 - UpperShare) * opening;

        float sy;
        if (ly < newUpper)
        {
            // Lid skin, stretched from the fixed brow line down to the lid's new edge.
            sy = _browLine + (ly - _browLine) * (upperLid - _browLine) / (newUpper - _browLine);
            // The lowered lid is a little darker than the brow-bone skin it is stretched from, and its
            // margin carries the lashes: a soft dark line along the lid's new edge.
            float lid = Smooth.Step(upperLid - 0.3f * _upper, newUpper, ly);
            float lashes = Smooth.Step(newUpper - 2 * _lashWidth, newUpper, ly);
            shade = 1 - blink * (0.07f * lid + LashDarkness * lashes * Smooth.Step(0, 0.5f, k));
        }
        else
        {
            sy = ly <= newLower ? ly // the eyeball, partly covered
                : _cheekLine - (_cheekLine - ly) * (_cheekLine - lowerLid) / (_cheekLine - newLower);
            // The lash line continues a little below the lid's edge, so the seam is inside it.
            float below = 1 - Smooth.Step(newUpper, newUpper + 0.5f * _lashWidth, ly);
            shade = 1 - blink * LashDarkness * below * Smooth.Step(0, 0.5f, k);
        }
        _frame.ToImage(lx, sy, out x, out y);
    }
}
