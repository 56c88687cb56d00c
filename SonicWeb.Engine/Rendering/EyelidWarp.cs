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
/// <para>
/// Where the photo shows no skin between the upper lashes and the brow (a low thick brow on the lid crease, a glasses
/// frame), stretching would pull hair or frame down over the eye; there the brow stays and the lid is filled with skin
/// from below the eye instead (a second sample the renderer blends in, <see cref="Warp"/>'s fill outputs).
/// </para>
/// </summary>
internal sealed class EyelidWarp
{
    private const float UpperShare = 0.94f;
    /// <summary>Lid arcs end this far beyond the landmark corners (share of the half width).</summary>
    private const float CornerReach = 1.15f;
    private readonly LocalFrame _frame;
    private readonly float _halfWidth, _invHalfWidthSq, _upper, _lower, _browLine, _cheekLine, _lashWidth;
    /// <summary>How far (local y at the eye's middle) the photo's white of the eye runs on below the lower arc; 0 for most eyes.</summary>
    private readonly float _whiteBelow;
    /// <summary>The same per column, out to the corners (<see cref="WhiteColumns"/>); empty when the photo shows none.</summary>
    private readonly float[] _whiteColumns;
    // Lid fill (see the constructor): on where the photo has no skin between the lashes and the brow (or a glasses frame).
    private readonly bool _fill;
    private readonly float _crease, _fillGap, _fillDepth;

    /// <param name="pairGate">The other eye's lid is filled: fill this one too below this (higher) gate, so one face's two
    /// eyes close alike (<see cref="PairGate"/>); null for the eye's own gate.</param>
    public EyelidWarp(Vector2 outerCorner, Vector2 innerCorner, Vector2[] upperLid, Vector2[] lowerLid, Vector2 browCentre,
        SonicWeb.Engine.Imaging.RgbImage photo, float? pairGate = null)
    {
        var (left, right) = outerCorner.X <= innerCorner.X ? (outerCorner, innerCorner) : (innerCorner, outerCorner);
        _frame = new LocalFrame((left + right) / 2, right - left);
        _outerSide = _frame.LocalX(outerCorner.X, outerCorner.Y) < 0 ? -1 : 1;
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

        // No skin band above the lashes: a low, thick brow sitting on the lid crease, deep shadow, or a glasses frame
        // there. Stretching from any brow line then pulls hair or frame down over the shut eye (a dark hairy band,
        // pale streaks of the frame's highlight). There the brow stays where it is, and the lid that comes down from
        // under it is filled with the skin just below the eye, mirrored (its grain near the lashes, lighter skin
        // towards the crease), as a second sample blended in by the renderer.
        // (Read from the landmarks' lower lid, before the white below it is taken in: which eyes are filled stays as tuned.)
        SkinBand = RowsLuma(photo, -FillBandTop * _upper, -FillBandBottom * _upper);
        UnderEye = RowsLuma(photo, _lower + 0.2f * (_upper + _lower), _lower + (0.2f + 0.8f) * (_upper + _lower));
        _fill = SkinBand < (pairGate ?? FillGate) * UnderEye;
        // Where the lid comes out from: the first row up from the lashes that is as dark as the band (the brow's or the
        // frame's lower edge), at least FillCreaseMin lid heights above the eye's centre, at most FillBandTop.
        _crease = -FillCreaseMin * _upper;
        for (float ly = -FillCreaseMin * _upper; _fill && ly > -FillBandTop * _upper; ly -= 1)
        {
            if (RowsLuma(photo, ly, ly) < FillRatio * UnderEye) break;
            _crease = ly;
        }
        // The fill's soft upper edge (up to 0.9 lid heights above the crease) must lie inside the warp's box, or it is cut
        // off flat where the box ends.
        if (_fill)
            _browLine = MathF.Min(_browLine, _crease - _upper - 1);

        // The landmarks' lower lid can sit above the real lid's margin (a phone photo's made-up eyes, an eye showing white
        // below the iris): the white then showed as a pale crescent under the shut lid. Where the photo's white runs on below
        // the lower arc, the closing eye's lower lid rises over it (see Warp), and the lid fill is taken from the skin below
        // it. (Deepening the arc itself was tried: the shut eye's lash line then sagged into a deep U.)
        _whiteBelow = MathF.Max(0, LowestWhite(photo) - _lower);
        _whiteColumns = WhiteColumns(photo);
        _cheekLine = _lower + _whiteBelow + MathF.Max(0.9f * (_upper + _lower), 0.3f * _halfWidth);
        _fillGap = 0.2f * (_upper + _lower);
        _fillDepth = 0.8f * (_upper + _lower);

        // Tone: the skin below the eye is the palest skin around it (it catches the light), while the lid of a shut eye lies
        // in the socket's shade; copied as it is, the lid was a pale grey oval in a darker, warmer socket, its outline showing
        // where it fades into the brow. Each channel of the fill is scaled so that the skin it is taken from averages what
        // the skin just beyond the eye's corners does (the socket beside the lid, at the lid's own height).
        if (_fill)
        {
            var source = RowsRgb(photo, SkinTop + _fillGap, SkinTop + _fillGap + _fillDepth);
            _fillMean = source;
            Socket = SocketRgb(photo);
            SocketSkin = SkinBeside(photo);
            _tone = Vector3.Clamp(LidTarget(Socket, SocketSkin) / Vector3.Max(source, new Vector3(1)), new Vector3(MinTone), new Vector3(MaxTone));
            _topOffset = TopOffsets(photo);
            _bottomOffset = BottomOffsets(photo);
            LashColour = LashesRgb(photo);
            _frame.ToImage(0, SkinTop + _fillGap + 0.5f * _fillDepth, out float grainX, out float grainY);
            _fillGrain = Math.Clamp(Grain.Relative(photo, new Vector2(grainX, grainY)), 0, MaxFillGrain);
        }
    }

    /// <summary>
    /// Per column of the eye (1 local px apart, from -<see cref="_halfWidth"/>), the colour to add to the filled lid at its top
    /// so that it meets the skin there (round 20): one tone per eye left the lid's top darker or greyer than the brow-bone
    /// skin it fades into, an oval outline at 1024. Read for the shut eye: the photo just above the lid's fading top, its
    /// skin only (brow hair, lashes and a glasses frame are darker or greyer than the skin beside the eye and are left
    /// out: the lid must not take their colour), against the fill's own colour at its top. Columns without skin there get
    /// no offset; the offsets are smoothed across columns and bounded.
    /// </summary>
    private Vector3[] TopOffsets(SonicWeb.Engine.Imaging.RgbImage photo) => ColumnOffsets(photo,
        (lx, k) =>
        {
            float top = (_crease + _upper) * k - _upper * k, soft = 1 + 0.6f * _upper * (1.5f - 0.5f * k);
            return (top - soft - 2, top - 0.5f * soft);
        },
        (lx, k) =>
        {
            float top = (_crease + _upper) * k - _upper * k, shutEdge = _lower * k - (1 - UpperShare) * (_upper + _lower) * k;
            var source = Pixel(photo, lx, SkinTop + _fillGap + MathF.Min(shutEdge - top, _fillDepth));
            return (1 - CreaseShade) * _tone * ((1 - FillFlatten) * source + FillFlatten * _fillMean);
        });

    /// <summary>
    /// Per column, the colour to add to the filled lid at its lashes so that it meets the lower lid there, the other side of
    /// the shut eye's seam (round 21): one tone per eye, read on a socket that eyeliner, lashes or a squint's crease darken,
    /// left the lid darker and greyer than the lower lid it closes onto (phone-photo's made-up eyes read as grey ovals).
    /// Read from the lower lid's margin down to just below it, where the shut eye's seam takes the cheek from, against the
    /// fill's colour at its edge. All pixels count (the middle half by luma, so a lash does not): the lower lid may be darker
    /// or redder than the skin beside the eye, and a lid matched only to its paler pixels stood out lighter than it.
    /// </summary>
    private Vector3[] BottomOffsets(SonicWeb.Engine.Imaging.RgbImage photo) => ColumnOffsets(photo,
        (lx, k) => (SkinTop * k + BottomFrom * (_upper + _lower), SkinTop * k + BottomTo * (_upper + _lower)),
        (lx, k) => _tone * Pixel(photo, lx, SkinTop + _fillGap), skinOnly: false);

    /// <summary>The lower lid's skin the lid meets at its lashes: this far below the lower lid's margin, in eye openings.</summary>
    private const float BottomFrom = 0f, BottomTo = 0.35f;

    /// <summary>
    /// Per column of the eye (1 local px apart, from -<see cref="_halfWidth"/>), the colour offset that brings the fill's
    /// colour (<paramref name="fillColour"/>) to the photo's skin in the rows <paramref name="rows"/> returns (local y, for the
    /// column's lx and k). With <paramref name="skinOnly"/>, pixels darker or greyer than the skin beside the eye (brow hair,
    /// lashes, a glasses frame) are left out and the rest averaged; otherwise the middle half of the column's pixels by luma.
    /// Columns with fewer than two pixels get no offset. Smoothed across columns and bounded.
    /// </summary>
    private Vector3[] ColumnOffsets(SonicWeb.Engine.Imaging.RgbImage photo, Func<float, float, (float From, float To)> rows,
        Func<float, float, Vector3> fillColour, bool skinOnly = true)
    {
        int n = (int)(2 * _halfWidth) + 1;
        var raw = new Vector3[n];
        float skinLuma = Luma(SocketSkin), skinChroma = Chroma(SocketSkin);
        for (int i = 0; i < n; i++)
        {
            float lx = -_halfWidth + i, k = 1 - lx * lx * _invHalfWidthSq;
            if (k <= 0.05f) continue;
            var (from, to) = rows(lx, k);
            List<Vector3> pixels = [];
            for (float ly = from; ly <= to; ly += 1)
            {
                var p = Pixel(photo, lx, ly);
                if (!skinOnly || (Luma(p) >= EdgeSkinLuma * skinLuma && Chroma(p) >= EdgeSkinChroma * skinChroma)) pixels.Add(p);
            }
            if (pixels.Count < 2) continue;
            var photoColour = skinOnly ? pixels.Aggregate(Vector3.Zero, (sum, p) => sum + p) / pixels.Count : MiddleMean(pixels);
            raw[i] = Vector3.Clamp(photoColour - fillColour(lx, k), new Vector3(-MaxEdgeOffset), new Vector3(MaxEdgeOffset));
        }
        int reach = Math.Max(2, (int)(0.15f * _halfWidth));
        var smooth = new Vector3[n];
        for (int i = 0; i < n; i++)
        {
            var sum = Vector3.Zero; int count = 0;
            for (int j = Math.Max(0, i - reach); j <= Math.Min(n - 1, i + reach); j++, count++) sum += raw[j];
            smooth[i] = sum / count;
        }
        return smooth;
    }

    /// <summary>
    /// The colour of the photo's upper lashes: the darkest fifth of the pixels in the upper part of the eye opening (the
    /// lash line and the lid's margin, from the landmark lid to half way to the corner line) over the middle 80% of the eye.
    /// </summary>
    private Vector3 LashesRgb(SonicWeb.Engine.Imaging.RgbImage photo)
    {
        List<Vector3> pixels = [];
        float landmarkUpper = (_upper - 0.04f * _halfWidth) / 1.2f;
        for (float lx = -0.8f * _halfWidth; lx <= 0.8f * _halfWidth; lx += 1)
        {
            float k = 1 - lx * lx * _invHalfWidthSq;
            for (float ly = -landmarkUpper * k - 1; ly <= -0.5f * landmarkUpper * k; ly += 1) pixels.Add(Pixel(photo, lx, ly));
        }
        if (pixels.Count == 0) return Vector3.Zero;
        pixels.Sort((a, b) => Luma(a).CompareTo(Luma(b)));
        var sum = Vector3.Zero; int n = Math.Max(1, pixels.Count / 5);
        for (int i = 0; i < n; i++) sum += pixels[i];
        var lashes = sum / n;
        // A barely open eye (an older face, a squint) shows little lash among its dark pixels: keep the colour's hue but
        // no lighter than a share of the skin beside the eye, or the shut lid's lash line all but disappears.
        float cap = LashLumaCap * Luma(SocketSkin);
        return Luma(lashes) > cap ? lashes * (cap / Luma(lashes)) : lashes;
    }

    /// <summary>Colour the filled lid's lash line is drawn in (the photo's own lashes; 0 where not filled).</summary>
    internal Vector3 LashColour { get; }

    /// <summary>Skin at the lid's edges, against the skin beside the eye: at least this share of its luma and of its chroma.</summary>
    private const float EdgeSkinLuma = 0.8f, EdgeSkinChroma = 0.5f;
    /// <summary>Largest colour offset (levels per channel) added at the lid's edges.</summary>
    private const float MaxEdgeOffset = 45;
    /// <summary>Darkening of the filled lid right under the crease (<see cref="Warp"/>).</summary>
    private const float CreaseShade = 0.12f;
    /// <summary>The top offset is blended in from this far along the lid (0 at the lashes, 1 at the top).</summary>
    private const float TopOffsetFrom = 0.25f;
    private readonly Vector3[] _topOffset = [], _bottomOffset = [];

    /// <summary>The per-column offset (<see cref="ColumnOffsets"/>) for the column at local x.</summary>
    private Vector3 OffsetAt(Vector3[] offsets, float lx) => offsets[Math.Clamp((int)(lx + _halfWidth + 0.5f), 0, offsets.Length - 1)];

    /// <summary>Blink from which the lower lid passes over white shown below the arc (<see cref="Warp"/>).</summary>
    private const float WhiteCoverFrom = 0.5f;

    /// <summary>How far below the lower arc <see cref="LowestWhite"/> follows the white at most, as a share of the arc's depth.</summary>
    private const float MaxWhiteDeepening = 1.0f;

    /// <summary>
    /// Where (local y at the eye's middle, k = 1) the white of the eye the photo shows below the lower arc ends;
    /// <see cref="_lower"/> where it shows none. A pixel is the eye's white when it is about as bright as the skin
    /// below the eye or brighter (<see cref="WhiteLuma"/>) and much greyer (<see cref="WhiteChroma"/>): skin and lids are
    /// coloured, the iris and lashes dark. Per column over the middle 70% of the eye, the white is followed down from the
    /// arc (across at most one other pixel); the third-deepest column decides, so a single bright speck of the lid's wet
    /// margin does not. A grey photo (skin without colour) shows no white this way and keeps the landmarks' arc.
    /// </summary>
    private float LowestWhite(SonicWeb.Engine.Imaging.RgbImage photo)
    {
        float gap = 0.2f * (_upper + _lower);
        var skin = RowsRgb(photo, _lower + gap, _lower + gap + 0.8f * (_upper + _lower));
        float skinLuma = Luma(skin), skinChroma = Chroma(skin);
        List<float> depths = [];
        for (float lx = -0.7f * _halfWidth; lx <= 0.7f * _halfWidth; lx += 1)
        {
            float k = 1 - lx * lx * _invHalfWidthSq, arc = _lower * k;
            float lowest = float.NaN;
            for (float ly = arc - 1; ly <= arc + MaxWhiteDeepening * _lower * k; ly += 1)
            {
                var p = Pixel(photo, lx, ly);
                if (Luma(p) >= WhiteLuma * skinLuma && Chroma(p) < WhiteChroma * skinChroma) lowest = ly;
                else if (!(ly - lowest < 2)) break; // past the white, or none at the arc
            }
            if (lowest > arc) depths.Add((lowest + 1) / k);
        }
        if (depths.Count < 3) return _lower;
        depths.Sort();
        return MathF.Min(depths[^3], (1 + MaxWhiteDeepening) * _lower);
    }

    /// <summary>
    /// Per column of the eye (1 local px apart, from -<see cref="_halfWidth"/>), how far (local y) the photo's white runs on
    /// below the lower arc, out to the arcs' ends past the corners (round 24). The arcs are parabolas; an almond eye's lower
    /// margin runs nearly straight into its corners, below them, and the white left there showed as slivers between the
    /// shut lid and the lower lashes (dark-skin-woman's image-right eye at 1024), which the middle-of-the-eye reading
    /// (<see cref="LowestWhite"/>) does not see. Same rule for a white pixel, followed down from the arc across at most one
    /// other pixel, at most <see cref="MaxWhiteDeepening"/> arc depths. A column's white must be shared by its neighbours
    /// (the least over five columns), so a speck of the wet margin's highlight does not count; then smoothed across columns.
    /// Empty when no column shows any.
    /// </summary>
    private float[] WhiteColumns(SonicWeb.Engine.Imaging.RgbImage photo)
    {
        float gap = 0.2f * (_upper + _lower);
        var skin = RowsRgb(photo, _lower + gap, _lower + gap + 0.8f * (_upper + _lower));
        float skinLuma = Luma(skin), skinChroma = Chroma(skin);
        int n = (int)(2 * _halfWidth) + 1;
        var raw = new float[n];
        for (int i = 0; i < n; i++)
        {
            float lx = -_halfWidth + i, k = 1 - lx * lx * _invHalfWidthSq, arc = _lower * k;
            if (k <= 0) continue;
            float lowest = float.NaN;
            for (float ly = arc - 2; ly <= arc + MaxWhiteDeepening * _lower; ly += 1)
            {
                var p = Pixel(photo, lx, ly);
                if (Luma(p) >= WhiteLuma * skinLuma && Chroma(p) < WhiteChroma * skinChroma) lowest = ly;
                else if (float.IsNaN(lowest) ? ly >= arc + 1 : ly - lowest >= 2) break;
            }
            if (lowest >= arc - 1) raw[i] = MathF.Min(lowest + MarginPastWhite - arc, MaxWhiteDeepening * _lower);
        }
        var shared = new float[n];
        for (int i = 0; i < n; i++)
        {
            shared[i] = float.MaxValue;
            for (int j = Math.Max(0, i - 1); j <= Math.Min(n - 1, i + 1); j++) shared[i] = MathF.Min(shared[i], raw[j]);
        }
        if (shared.All(depth => depth <= 0)) return [];
        // Smoothed over five columns: a column-to-column jump in where the cheek is taken from drew a vertical seam.
        var smooth = new float[n];
        for (int i = 0; i < n; i++)
        {
            float sum = 0; int count = 0;
            for (int j = Math.Max(0, i - 2); j <= Math.Min(n - 1, i + 2); j++, count++) sum += shared[j];
            smooth[i] = sum / count;
        }
        return smooth;
    }

    /// <summary>The lower lid's margin begins this far (px) below the last white pixel's top: that pixel, then one that blends the two.</summary>
    private const float MarginPastWhite = 2f;

    /// <summary>
    /// How far the white runs on below the lower arc at local x: the eye's own (scaled to the column) or the column's, which
    /// fades out over the arcs' last ends (cut off at the warp's edge, it would draw a seam there).
    /// </summary>
    private float WhiteBelowAt(float lx, float k) =>
        _whiteColumns.Length == 0 || !AllowCornerWhite ? _whiteBelow * k
            : MathF.Max(_whiteBelow * k, Smooth.Step(0, 0.25f, k) * _whiteColumns[Math.Clamp((int)(lx + _halfWidth + 0.5f), 0, _whiteColumns.Length - 1)]);

    /// <summary>Where the shut lid's edge lies (local y) at local x (tests).</summary>
    internal float ShutEdge(float lx)
    {
        float k = 1 - lx * lx * _invHalfWidthSq;
        return k <= 0 ? 0 : (UpperShare * _lower - (1 - UpperShare) * _upper) * k;
    }

    /// <summary>The eye's white against the skin below the eye: at least this share of its luma, under this share of its chroma.</summary>
    private const float WhiteLuma = 0.9f, WhiteChroma = 0.5f;

    private static float Luma(Vector3 rgb) => 0.299f * rgb.X + 0.587f * rgb.Y + 0.114f * rgb.Z;

    private static float Chroma(Vector3 rgb) => MathF.Max(rgb.X, MathF.Max(rgb.Y, rgb.Z)) - MathF.Min(rgb.X, MathF.Min(rgb.Y, rgb.Z));

    /// <summary>Where the skin below the eye begins at its middle (local y): below the lower arc and any white the photo shows under it.</summary>
    private float SkinTop => _lower + _whiteBelow;

    /// <summary>How far the photo's white runs on below the lower arc, as a share of the arc's depth (0 for most eyes; diagnostics and tests).</summary>
    internal float WhiteBelowShare => _whiteBelow / _lower;

    /// <summary>Bounds of the fill's per-channel tone scale (a wildly off socket reading cannot blacken or bleach the lid).</summary>
    private const float MinTone = 0.45f, MaxTone = 1.15f;
    private readonly Vector3 _tone = Vector3.One, _fillMean;
    /// <summary>
    /// Share of the fill's own texture taken out towards the crease: mirrored, the creases and pale bag below the eye ran
    /// parallel to the lid's upper edge and drew a faint oval line just inside it.
    /// </summary>
    private const float FillFlatten = 0.6f;

    /// <summary>Per-channel scale of the filled lid's colour (1 where the lid is not filled).</summary>
    internal Vector3 FillTone => _fill && AllowFill ? _tone : Vector3.One;
    /// <summary>Mean colour of the skin the fill is taken from; the fill is flattened towards it near the crease.</summary>
    internal Vector3 FillMean => _fillMean;
    /// <summary>Colour of the socket skin beside the eye the fill is matched to (diagnostics and tests; 0 where not filled).</summary>
    internal Vector3 Socket { get; }

    /// <summary>Mean colour of the photo in the rows y0..y1 (local, 1 px apart) across the middle 60% of the eye.</summary>
    private Vector3 RowsRgb(SonicWeb.Engine.Imaging.RgbImage photo, float y0, float y1)
    {
        var sum = Vector3.Zero; int n = 0;
        for (float ly = MathF.Min(y0, y1); ly <= MathF.Max(y0, y1); ly += 1)
            for (float lx = -0.6f * _halfWidth; lx <= 0.6f * _halfWidth; lx += 1, n++)
                sum += Pixel(photo, lx, ly);
        return n == 0 ? Vector3.Zero : sum / n;
    }

    /// <summary>
    /// The socket skin around the eye, in two parts with equal say: beyond both corners (1 to 1.4 half widths out, past the
    /// white's reach) from the upper lid's height down to the lower lid's, and just below the lower lashes, above the skin
    /// the fill is taken from. The corners alone read too dark where they hold the lids' dark lines (dark-skin-man's
    /// image-right eye became a brown oval). The band above the lashes is left out: on a filled eye it is brow or frame.
    /// Lashes, creases and highlights fall in each part too, so each part's mean is taken over the middle half of its
    /// pixels ordered by luma.
    /// </summary>
    private Vector3 SocketRgb(SonicWeb.Engine.Imaging.RgbImage photo)
    {
        List<Vector3> corners = [], below = [];
        for (float ly = -_upper; ly <= _lower; ly += 1)
            for (float ax = 1.0f * _halfWidth; ax <= 1.4f * _halfWidth; ax += 1)
            {
                corners.Add(Pixel(photo, -ax, ly));
                corners.Add(Pixel(photo, ax, ly));
            }
        for (float lx = -0.6f * _halfWidth; lx <= 0.6f * _halfWidth; lx += 1)
            for (float ly = SkinTop; ly <= SkinTop + _fillGap; ly += 1)
                below.Add(Pixel(photo, lx, ly));
        return (MiddleMean(corners) + MiddleMean(below)) / 2;
    }

    /// <summary>
    /// The colour the filled lid averages (round 16): the socket's luma (round 12), half in the socket's own colour and half
    /// in the colour of the skin beside it. Matched to the socket's plain mean, the lid took in the grey and pink of the lids'
    /// dark lines and the crease shadow at the corners and at 1024 px read as a grey-mauve oval pasted into warm skin. The
    /// skin beside the eye is brought to the socket's luma by scaling its three channels alike (its hue and saturation
    /// kept). All of it, or its channel offsets added rather than scaled, overshot on dark-skin-man's image-left eye (a lid
    /// 10 degrees of hue yellower than the skin around it), so only half.
    /// </summary>
    internal static Vector3 LidTarget(Vector3 socket, Vector3 skin)
    {
        float socketLuma = Luma(socket), skinLuma = Luma(skin);
        return Vector3.Lerp(socket, skin * (socketLuma / MathF.Max(skinLuma, 1)), SkinShare);
    }

    /// <summary>Share of the skin beside the eye in the lid's colour (the rest is the socket's own, as in round 12).</summary>
    private const float SkinShare = 0.5f;

    /// <summary>
    /// The skin beside the eye whose colour the filled lid takes: beyond both corners, further out than the socket (1.4 to
    /// 2.2 half widths, past the lids' dark lines and the crease shadow), between the lids' heights; the mean of the middle
    /// half of its pixels by luma.
    /// </summary>
    private Vector3 SkinBeside(SonicWeb.Engine.Imaging.RgbImage photo)
    {
        List<Vector3> pixels = [];
        for (float ly = -_upper; ly <= _lower; ly += 1)
            for (float ax = 1.4f * _halfWidth; ax <= 2.2f * _halfWidth; ax += 1)
            {
                pixels.Add(Pixel(photo, -ax, ly));
                pixels.Add(Pixel(photo, ax, ly));
            }
        return MiddleMean(pixels);
    }

    /// <summary>Colour of the skin beside the eye whose chroma the filled lid takes (diagnostics and tests; 0 where not filled).</summary>
    internal Vector3 SocketSkin { get; }

    /// <summary>Mean of the middle half of the pixels ordered by luma.</summary>
    private static Vector3 MiddleMean(List<Vector3> pixels)
    {
        if (pixels.Count == 0) return Vector3.Zero;
        pixels.Sort((a, b) => Luma(a).CompareTo(Luma(b)));
        var sum = Vector3.Zero; int from = pixels.Count / 4, to = Math.Max(from + 1, 3 * pixels.Count / 4);
        for (int i = from; i < to; i++) sum += pixels[i];
        return sum / (to - from);
    }

    private Vector3 Pixel(SonicWeb.Engine.Imaging.RgbImage photo, float lx, float ly)
    {
        _frame.ToImage(lx, ly, out float x, out float y);
        int px = Math.Clamp((int)MathF.Round(x), 0, photo.Width - 1), py = Math.Clamp((int)MathF.Round(y), 0, photo.Height - 1);
        int i = py * photo.Stride + 3 * px;
        return new Vector3(photo.Pixels[i], photo.Pixels[i + 1], photo.Pixels[i + 2]);
    }

    /// <summary>The band above the lashes compared with the skin below the eye, in upper-lid heights above the eye's centre line.</summary>
    private const float FillBandTop = 2.0f, FillBandBottom = 1.25f;
    /// <summary>The lid is filled where that band is darker than this share of the skin below the eye.</summary>
    /// <remarks>0.65 until round 18: two eyes read just above it and kept a stretched lid that dragged their band down,
    /// group-four-women's image-right eye (0.77, mascara stripes fanned over the shut eye) and three-quarter-man's
    /// image-right eye (0.69, a pale triangle of the crease band). Filled, both read as shut lids now that the fill's
    /// colour is matched (rounds 12 and 16); at round 10 three-quarter-man's fill looked worse.</remarks>
    private const float FillGate = 0.78f;
    /// <summary>
    /// When one eye of a face is filled, the other is filled too below this gate: a filled lid beside a stretched one read as
    /// two different eyes (smile-teeth-older-man 0.77 / 0.93, phone-photo 0.71 / 0.80, teen-boy 0.77 / 0.81,
    /// beard-smile-teeth 0.51 / 0.80), and the stretched one streaked. It only applies beside a filled eye: photos
    /// whose eyes both have a skin band (the astronaut, group-three-quarter 0.97 / 0.92) are not affected.
    /// </summary>
    public const float PairGate = 0.94f;
    /// <summary>The crease the fill comes out from: the first row up from the lashes darker than this share of the skin below the eye.</summary>
    private const float FillRatio = 0.65f;
    private const float FillCreaseMin = 1.35f;
    /// <summary>Overall shading of the filled lid (before round 12 it stood in for the socket's shade, 0.08; now the tone is measured).</summary>
    private const float FillShade = 0.0f;

    /// <summary>Mean luminance of the band above the lashes (diagnostics and tests).</summary>
    internal float SkinBand { get; }
    /// <summary>Mean luminance of the skin below the eye that the lid fill takes (diagnostics and tests).</summary>
    internal float UnderEye { get; }
    /// <summary>Whether a closing lid is filled with skin from below the eye (no skin band above the lashes).</summary>
    internal bool FillsLid => _fill;
    /// <summary>Off only to compare with the stretched lid in tests.</summary>
    internal bool AllowFill { get; set; } = true;

    /// <summary>Whether a stretched lid is smeared along the eye (on; tests switch it off to compare).</summary>
    internal bool AllowSmear { get; set; } = true;
    /// <summary>Whether a filled lid gets the skin's grain back where it is flattened (on; tests switch it off to compare).</summary>
    internal bool AllowGrain { get; set; } = true;
    /// <summary>Whether the closing lower lid covers the white read per column (<see cref="WhiteColumns"/>); off, only the eye's middle reading (tests).</summary>
    internal bool AllowCornerWhite { get; set; } = true;

    /// <summary>Mean luminance of the photo in the rows y0..y1 (local, 1 px apart) across the middle 60% of the eye.</summary>
    private float RowsLuma(SonicWeb.Engine.Imaging.RgbImage photo, float y0, float y1)
    {
        float sum = 0; int n = 0;
        for (float ly = MathF.Min(y0, y1); ly <= MathF.Max(y0, y1); ly += 1)
            for (float lx = -0.6f * _halfWidth; lx <= 0.6f * _halfWidth; lx += 1, n++)
            {
                _frame.ToImage(lx, ly, out float x, out float y);
                int px = Math.Clamp((int)MathF.Round(x), 0, photo.Width - 1), py = Math.Clamp((int)MathF.Round(y), 0, photo.Height - 1);
                int i = py * photo.Stride + 3 * px;
                sum += 0.299f * photo.Pixels[i] + 0.587f * photo.Pixels[i + 1] + 0.114f * photo.Pixels[i + 2];
            }
        return n == 0 ? 0 : sum / n;
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

    /// <summary>-1 when the eye's outer corner is towards the image-left (the image-left eye), 1 otherwise.</summary>
    private readonly float _outerSide;
    /// <summary>
    /// A shut eye's lash line is heavier towards its outer corner, where the lashes are longest and fan out down over the
    /// cheek, and thin at the inner corner, where they are short and sparse: its width is scaled by 1 + this x the share
    /// of the half width towards the outer corner (0.6 to 1.4 along the lid). Even along the lid it read as a drawn arc at
    /// 1024 (round 29).
    /// </summary>
    private const float OuterLashGain = 0.7f;

    /// <summary>How wide the lash line is at <paramref name="lx"/>, as a share of <see cref="_lashWidth"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float LashReach(float lx) => AllowOuterLashes ? 1 + OuterLashGain * _outerSide * lx / _halfWidth : 1;

    /// <summary>Tests switch the heavier outer lashes off (an even lash line) to see what they change.</summary>
    internal bool AllowOuterLashes { get; set; } = true;
    /// <summary>Width (source pixels) over which the lowered lid's edge fades out over the eye.</summary>
    private const float EdgeSoftness = 1.5f;
    /// <summary>The filled lid's lash colour: at most this share of the luma of the skin beside the eye.</summary>
    private const float LashLumaCap = 0.4f;
    /// <summary>
    /// The lash line over a filled lid: the pixel blended this far towards <see cref="LashColour"/> at the line's core (round
    /// 22; before, the lid darkened by 0.55, a cool grey arc on every face). It is drawn over skin rather than the photo's own
    /// lashes. Round 10 drew it 0.65 dark over 1.5 + 0.5 lash widths at full strength from half way to each corner: at 1024 px
    /// a thick, even arc that read as drawn. A shut eye's line is thin and fades towards the corners (round 16).
    /// </summary>
    /// <summary>The grain of the skin the lid is filled from (<see cref="Grain.Relative"/>; 0 where not filled).</summary>
    private readonly float _fillGrain;
    /// <summary>The most grain the filled lid gets back (relative), so skin with a crease or a pore in the patch does not turn it to static.</summary>
    private const float MaxFillGrain = 0.06f;
    /// <summary>The grain's lattice in source px, as in the mouth (<see cref="MouthWarp"/>).</summary>
    private const float GrainScale = 2f;
    private const float FillLashDarkness = 0.7f, FillLashWidth = 0.9f, FillLashBelow = 0.35f, FillLashTaper = 0.9f;

    /// <summary>
    /// The stretched lid's smear along the eye: source px per unit of vertical stretch beyond 1, and at most. Stretched down,
    /// the lashes and the made-up lid above them become vertical streaks (dark-skin-woman's eyeshadow and thick lashes read
    /// as a combed, striped lid); averaging along the eye over about the stretch smooths them as the stretch drew them.
    /// </summary>
    private const float SmearPerStretch = 4f, MaxSmear = 6f;

    /// <summary>The eye's own x axis in the image (unit vector along the line through its corners), for the smear.</summary>
    internal float AxisX => _frame.AxisX;
    internal float AxisY => _frame.AxisY;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Warp(float blink, ref float x, ref float y, out float shade, out float fill, out float fillX, out float fillY, out float flat,
        out Vector3 lift, out float lash, out float smear)
    {
        shade = 1; fill = 0; fillX = 0; fillY = 0; flat = 0; lift = Vector3.Zero; lash = 0; smear = 0;
        if (blink <= 0) return;
        float lx = _frame.LocalX(x, y), ly = _frame.LocalY(x, y);
        if (ly <= _browLine || ly >= _cheekLine || lx <= -_halfWidth || lx >= _halfWidth) return;
        float k = 1 - lx * lx * _invHalfWidthSq;
        float upperLid = -_upper * k, lowerLid = _lower * k, opening = (_upper + _lower) * k;
        float newUpper = upperLid + blink * UpperShare * opening;
        float newLower = lowerLid - blink * (1 - UpperShare) * opening;

        float sy;
        if (ly < newUpper && _fill && AllowFill)
        {
            // The brow stays put; the lid comes out from under it at the crease (its height grows with the blink, nothing
            // at the corners) down to the lid's new edge, fully skin below the crease, fading into the brow above it.
            float top = upperLid + blink * (_crease + _upper) * k;
            // Wider towards the corners, where the crease runs steeply down to the corner line; and gone at the corners
            // themselves (just past the landmarks), where the lid has no height and a cut-off fill left a vertical edge.
            // A wider fade (a lid height, the step squared) was tried in round 16: it washed the lid over the lower edge of
            // a glasses frame (which is in front of the lid) for little gain on brows, where the matched colour already makes the
            // outline fainter.
            float soft = 1 + 0.6f * _upper * blink * (1.5f - 0.5f * k);
            if (ly <= top - soft) return;
            sy = ly;
            fill = Smooth.Step(top - soft, top, ly) * Smooth.Step(0, 0.4f, k);
            // Mirrored: the lid's edge takes the skin just below the lower lid, the crease the skin further down.
            float height = newUpper - top;
            float along = Smooth.Clamp01((newUpper - ly) / height);
            float skinY = SkinTop + _fillGap + along * MathF.Min(height, _fillDepth);
            _frame.ToImage(lx, skinY, out fillX, out fillY);
            flat = FillFlatten * along;
            // Towards its top the lid takes on the colour of the skin it meets there, towards its lashes that of the lower lid
            // (TopOffsets, BottomOffsets): a membrane between the two edges, as a seamless clone would draw it.
            if (_topOffset.Length > 0)
                lift = Vector3.Lerp(OffsetAt(_bottomOffset, lx), OffsetAt(_topOffset, lx), Smooth.Step(TopOffsetFrom, 1, along));
            // Light shading: the lid is a little darker than the skin below the eye it is taken from (it lies in the brow's
            // shade), more so under the brow and towards the lashes. The lashes line its edge from early on in the blink:
            // a lid edge without them is a hard line of skin across the eye.
            float crease = 1 - Smooth.Step(top, top + 0.4f * height, ly);
            float lashes = Smooth.Step(newUpper - FillLashWidth * _lashWidth * LashReach(lx), newUpper, ly);
            shade = 1 - fill * blink * (FillShade + CreaseShade * crease + 0.05f * (1 - along));
            lash = Smooth.Step(0, 0.3f, blink) * FillLashDarkness * lashes * Smooth.Step(0, FillLashTaper, k);
            // The flattening towards the crease takes the skin's grain with it: put that much back (the lid read as smooth
            // as plastic beside wrinkled skin, smile-teeth-man at 1024). Lash clumps drawn the same way (the lash line
            // darker and lighter along the lid) read as a stitched seam and were not kept.
            if (AllowGrain) shade *= 1 + _fillGrain * flat / FillFlatten * Grain.At(lx / GrainScale, ly / GrainScale);
        }
        else if (ly < newUpper)
        {
            // Lid skin, stretched from the fixed brow line down to the lid's new edge.
            sy = _browLine + (ly - _browLine) * (upperLid - _browLine) / (newUpper - _browLine);
            // The lowered lid is a little darker than the brow-bone skin it is stretched from, and its
            // margin carries the lashes: a soft dark line along the lid's new edge.
            float lid = Smooth.Step(upperLid - 0.3f * _upper, newUpper, ly);
            float lashes = Smooth.Step(newUpper - 2 * _lashWidth * LashReach(lx), newUpper, ly);
            shade = 1 - blink * (0.07f * lid + LashDarkness * lashes * Smooth.Step(0, 0.5f, k));
            // Nothing at the fixed brow line (the photo as it is there), the full smear at the lashes.
            float stretch = (newUpper - _browLine) / (upperLid - _browLine);
            if (AllowSmear) smear = MathF.Min(MaxSmear, SmearPerStretch * (stretch - 1)) * Smooth.Step(_browLine, newUpper, ly);
        }
        else
        {
            // Below the lower lid's new edge the cheek is compressed upwards; where the photo shows white below the arc, the
            // rising lid passes over it (the skin taken from further down) late in the blink, once the upper lid covers the
            // iris: from the start, the half-shut eye's iris was cut flat at the bottom.
            float lowerFrom = lowerLid + Smooth.Step(WhiteCoverFrom, 1, blink) * WhiteBelowAt(lx, k);
            sy = ly <= newLower ? ly // the eyeball, partly covered
                : _cheekLine - (_cheekLine - ly) * (_cheekLine - lowerFrom) / (_cheekLine - newLower);
            // The lash line continues a little below the lid's edge, so the seam is inside it: heavier towards the outer
            // corner, but not thinner towards the inner one, where it hides the white of an almond eye's corner.
            float below = 1 - Smooth.Step(newUpper, newUpper + (_fill && AllowFill ? FillLashBelow : 0.5f) * _lashWidth * MathF.Max(1, LashReach(lx)), ly);
            // The lid's edge is soft: over one source pixel below it, the lid's own edge (the photo's lash line where the lid
            // is stretched, the skin it starts from where it is filled) fades out over the eye. A cut there stair-stepped
            // across the half-shut eye when enlarged (the tilted group photo at 1024). Only over the eye that still shows:
            // on the shut eye the edge lies on the lower lid, inside the lash line, and stays as it was.
            float edge = MathF.Min(EdgeSoftness, newLower - newUpper);
            if (edge > 0.01f && ly < newUpper + edge)
            {
                fill = 1 - Smooth.Step(newUpper, newUpper + edge, ly);
                // A filled lid's edge fades out towards the corners as the lid does: beyond the photo's eye corners it drew a
                // pale line of under-eye skin across the darker corner (phone-photo's half blink, round 19).
                if (_fill && AllowFill)
                {
                    fill *= Smooth.Step(0, 0.4f, k);
                    if (_bottomOffset.Length > 0) lift = OffsetAt(_bottomOffset, lx);
                }
                _frame.ToImage(lx, _fill && AllowFill ? SkinTop + _fillGap : upperLid, out fillX, out fillY);
            }
            if (_fill && AllowFill)
                lash = Smooth.Step(0, 0.3f, blink) * FillLashDarkness * below * Smooth.Step(0, FillLashTaper, k);
            else
                shade = 1 - blink * LashDarkness * below * Smooth.Step(0, 0.5f, k);
        }
        _frame.ToImage(lx, sy, out x, out y);
    }
}
