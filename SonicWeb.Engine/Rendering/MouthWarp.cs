using System.Numerics;
using System.Runtime.CompilerServices;
using SonicWeb.Engine.Faces;
using SonicWeb.Engine.Faces.Landmarks;

namespace SonicWeb.Engine.Rendering;

/// <summary>
/// The jaw/lip deformation and the synthesised mouth interior, in a frame aligned with the mouth
/// (origin between the outer corners, x towards the image-right corner, y down the face).
/// <para>
/// Forward model: a point of the still face below the lower inner lip moves down by
/// <c>Open x MaxDrop x P(x, y)</c>, where P is 1 at the middle of the lower lip, stays high down to the
/// chin, falls off sideways (Gaussian, widening from the mouth to the jaw) and fades out below the chin
/// over the neck. Above the lower inner lip nothing moves between the mouth corners (upper lip and any
/// visible upper teeth stay put); beside the corners the cheek follows the lip line's motion, fading
/// upwards. So the face tears open exactly along the lower inner lip between the corners: that gap is
/// where the mouth cavity is drawn. We render backwards (output pixel to source pixel), inverting that
/// forward model per region: exactly at the lip line, with one fixed-point step below it.
/// </para>
/// </summary>
internal sealed partial class MouthWarp
{
    private readonly LocalFrame _frame;
    private readonly float _minX, _maxX, _minY, _maxY;
    private readonly float _maxDrop, _upFade, _innerHalfWidth, _teethHeight;
    private readonly float _widthMinX, _widthMinY, _widthMaxY;
    // Per x: L(x), the lower inner lip line (the tear line); P(x, L(x)), the drop there; and 0 between
    // the corners .. 1 beside them.
    private readonly Table1DTriple _lipLine;
    private readonly Table1D _teethRoom;       // synthetic teeth band height, where the photo shows none
    private readonly Table2D _drop;            // P(x, y)
    private readonly Table2D _widthShift;      // horizontal motion of the corners per unit MouthWidth
    private readonly Table2D _pucker;          // 0..1, how much of the lips a rounding push thickens
    private readonly float _lipsY, _puckerMaxY;
    // Lip closure over a parted photo mouth (a smile showing teeth): per x, the upper inner lip U(x),
    // the gap the photo shows between the lips g(x) (0 beyond the inner corners), and how far above U
    // the upper lip stretches; below the lower inner lip, how far down the lower lip stretches.
    private readonly Table1DTriple _closureLines;   // band top T(x), band height g(x), landmark lower lip below T
    private readonly Table1DTriple _closureReach;   // how far the upper / lower lip stretches (and a spare 0)
    private readonly bool _photoLipsParted;
    /// <summary>1 where the photo shows no teeth of its own (lower incisors are drawn in a wide opening), 0 where it does.</summary>
    private readonly float _lowerTeethDrawn;
    /// <summary>
    /// <see cref="CornerCover"/> on a rolled head (landmarks from the upright pass), else 0: how far above the
    /// opening the cavity is drawn over the photo strip that the corner ramp drags down. Between 0.8 and 1.2 inner
    /// half widths the skin above the opening moves down by <c>drop x outside</c>, which grows by about two pixels
    /// per pixel along the lips, so whatever lies there is smeared along the corner. On the tilted group photo the
    /// landmark lower inner lip at the image-right corner runs about 2.5 source px below the dark line between the
    /// lips, and the pale pixel where that line ends (the last tooth) was smeared into a grey speck 2 x 6 output px
    /// at the opening's tip (1024 px). The cavity's top is raised by <c>cover x drop x outside x (1 - outside)</c>:
    /// nil between the corners and at the opening's tip. On upright faces the strip is the upper lip curving into
    /// the tip, and covering it blunted the tip into a square end (smile-teeth-man, dark-skin-woman,
    /// beard-smile-teeth at 1024, looked at): there it stays off, bit for bit as before.
    /// </summary>
    private readonly float _cornerCover;
    /// <summary>
    /// 1 covers only the dragged strip itself (the cavity's top stays at the tear line's own drop); the group photo
    /// kept the pale end of the line between its lips, 3 output px above the cavity. 1.5 lets that line run into
    /// the cavity; 2 squared off the tip over the cheek's crease (1024, looked at).
    /// </summary>
    private const float CornerCover = 1.5f;
    private readonly InteriorColours _interior;
    /// <summary>The photo's lips stand apart over a dark gap: its own open mouth, which the drawn cavity continues.</summary>
    private readonly bool _photoShowsCavity;
    /// <summary>The band between the lips is "dark" below this share of the lips' luma.</summary>
    private const float OwnCavityLuma = 0.6f;
    /// <summary>
    /// An open mouth, not the shadow line of slightly parted lips: the landmark lips at least this many mouth half widths
    /// apart in the middle (0.43 on the open-mouthed woman; three-quarter-man's dark line between closed lips reads 0.17).
    /// </summary>
    private const float OwnCavityGap = 0.25f;
    private readonly string _facts;
    /// <summary>1 where closing parted lips leaves a thin line of the slit between them, else 0.</summary>
    private readonly float _slitKept;
    /// <summary>The share of the slit left when the lips are closed, and the most of it in source px.</summary>
    private const float SlitShare = 0.3f, SlitMost = 1f;
    private static readonly LipGap.Rgb DefaultLipColour = new(170, 90, 85);

    /// <summary>Share of the photo's lip gap the upper lip covers when the lips close (the lower lip rises the rest).</summary>
    private const float ClosureSplit = 0.4f;
    /// <summary>At full rounding the lips look this much taller: pushed forward, more of their surface faces the camera.</summary>
    private const float PuckerGain = 0.3f;
    /// <summary>Fully pressed lips (p, b, m) look this much thinner.</summary>
    private const float PressThinning = 0.22f;
    /// <summary>
    /// Softest the cavity's edge gets, in source pixels: a photo's own edges are about a source pixel soft,
    /// so when a small photo is enlarged (1024 from a 250 px face) a sharper cavity edge reads as pasted on.
    /// </summary>
    private const float MinFeather = 1.1f;
    /// <summary>
    /// A softer photo softens the drawn edges (the cavity's, the teeth's) and the seams between the teeth with it: the
    /// feather is at least this many times the photo's edge blur (<see cref="EdgeSoftness"/>). Photos that read 0.5 px or
    /// less keep <see cref="MinFeather"/> (the astronaut, both beards, dark-skin-woman, group-three-men and the snapshot of
    /// two women in glasses read 0.2); crisp drawn teeth between a soft, upscaled photo's lips read as pasted on (a tilted woman
    /// from sample5 reads 1.02 px, the phone photo 1.20: their feathers are now 2.2 and 2.6 source px; 1024, looked at).
    /// </summary>
    private const float FeatherPerBlur = 2.2f;
    /// <summary>The edge blur up to which the seams between the drawn teeth keep their width; past it they widen with it.</summary>
    private const float SharpEdgeBlur = 0.6f;
    private readonly float _photoFeather;
    /// <summary>Source pixels of the tear line's light edge hidden under an open mouth.</summary>
    private const float TearLineSkip = 0.9f;

    /// <param name="photoShowsTeeth">The photo already shows upper teeth above the lower lip (a smile): then no
    /// synthetic teeth band is drawn; one under the real teeth reads as a grey second row.</param>
    /// <param name="photo">The photo, to find the lips' real inner edges for closing them (null: the landmark lines).</param>
    public MouthWarp(FaceLandmarks landmarks, bool photoShowsTeeth = false, SonicWeb.Engine.Imaging.RgbImage? photo = null)
    {
        var pts = landmarks.Points;
        Vector2 leftCorner = pts[48], rightCorner = pts[54];
        _frame = new LocalFrame((leftCorner + rightCorner) / 2, rightCorner - leftCorner);
        float halfWidth = Vector2.Distance(leftCorner, rightCorner) / 2;
        _innerHalfWidth = MathF.Max(Vector2.Distance(pts[60], pts[64]) / 2, 0.6f * halfWidth);

        var lower = FitCurve([pts[60], pts[67], pts[66], pts[65], pts[64]]);
        var upper = FitCurve([pts[60], pts[61], pts[62], pts[63], pts[64]]);
        float lipCentre = lower(0);
        float chin = MathF.Max(_frame.LocalY(pts[8].X, pts[8].Y), lipCentre + 0.6f * halfWidth);
        float jawHalfWidth = MathF.Max(MathF.Abs(_frame.LocalX(pts[12].X, pts[12].Y) - _frame.LocalX(pts[4].X, pts[4].Y)) / 2, 1.3f * halfWidth);

        // A wide-open jaw parts the lips by about 30% of the mouth's width.
        _maxDrop = 0.6f * halfWidth;
        _upFade = 0.9f * halfWidth;
        _teethHeight = 0.28f * halfWidth;
        float edgeBlur = photo == null ? EdgeSoftness.Sharp : EdgeSoftness.AroundMouth(photo, landmarks);
        _photoFeather = MathF.Max(MinFeather, FeatherPerBlur * edgeBlur);
        _seamWidth = 0.45f * MathF.Max(1, edgeBlur / SharpEdgeBlur) / _innerHalfWidth;
        _archTurn = Math.Clamp(MathF.Asin(Math.Clamp(FaceLandmarkNet68.NoseOffsetOf(landmarks) / NoseReach, -1f, 1f)), -MaxArchTurn, MaxArchTurn);
        _archSinTurnCosSpan = MathF.Sin(_archTurn) * MathF.Cos(ArchHalfAngle);
        _archCosTurnSinSpan = MathF.Cos(_archTurn) * MathF.Sin(ArchHalfAngle);
        float neckFade = MathF.Max(1.3f * (chin - lipCentre), 2.5f * _maxDrop);

        // The opening's tip: 1.2 inner half widths out, but never past the landmark corners. The landmark inner corners
        // sit at 0.87-0.94 outer half widths on every photo of the quality set, so 1.2 inner half widths ran the opening
        // about a tenth of the mouth's width past the lips' corners into the cheek, a hard-topped wedge under the upper
        // lip's corner on a broad smile (smile-teeth-man at 512 and 1024, and in its real-voice videos). Ending it at the
        // corners, with the corner ramp below ending there too, closes the opening in a rounded cap where the lips meet;
        // the last upper teeth of that smile stretch down by about a source pixel (looked at, 1024). An earlier attempt at
        // ending it at the corners was dropped for pale fangs there and for dragging the rolled group photo's lip-line
        // end down (RolledMouthTests); neither shows now (smile-teeth-man, group-three-quarter at 1024, looked at). On
        // the other photos the change is a few output pixels.
        bool rolled = MathF.Abs(FaceLandmarkNet68.RollOf(landmarks)) > FaceLandmarkNet68.UprightAboveRollRadians;
        float tip = MathF.Min(1.2f * _innerHalfWidth, halfWidth);
        float tipDrop = MathF.Exp(-MathF.Pow(tip / halfWidth, 3));

        float Drop(float x, float y)
        {
            float t = Smooth.Step(lipCentre, chin, y);
            // Flat-topped sideways profile (power 3): the lip drops almost evenly across the middle of
            // the mouth, giving the rounded opening of a real jaw rather than a V.
            float sigma = halfWidth + t * (0.85f * jawHalfWidth - halfWidth);
            float lateral = MathF.Exp(-MathF.Pow(MathF.Abs(x) / sigma, 3));
            // Between the tips, at the lips: the concave profile instead, handing over to the jaw's own profile
            // towards the chin (the values match at the tip: nothing tears below it).
            if (!rolled && MathF.Abs(x) < tip)
                lateral += (1 - t) * (1 - (1 - tipDrop) * MathF.Pow(MathF.Abs(x) / tip, 3) - MathF.Exp(-MathF.Pow(MathF.Abs(x) / halfWidth, 3)));
            float vertical = 1 - Smooth.Step(chin, chin + neckFade, y);
            return lateral * vertical;
        }

        _maxX = MathF.Max(2.4f * halfWidth, 1.7f * jawHalfWidth);
        _minX = -_maxX;
        _minY = MathF.Min(upper(0), lipCentre) - _upFade - 0.35f * halfWidth;
        _maxY = chin + neckFade + _maxDrop + 2;
        float inner = _innerHalfWidth;
        // The tear line past the inner corners: the lower lip's fitted curve, but on a broad smile (the curve rising
        // past the inner corner) eased over to the height of the inner corner or of the corners' line, whichever is
        // higher, by the landmark corner: the lips meet along a flat dark line there, and the fitted curve carried the
        // opening's tip up into the cheek's crease (smile-teeth-man, up to 19 source px above the corners at 1.2
        // inner half widths).
        float easeEnd = MathF.Max(halfWidth, 1.05f * inner);
        // Closing a parted mouth: the lips are stretched over the gap (teeth) from their outer edges, the
        // upper lip from a little above its vermilion border, the lower lip down to a little below its
        // own, so the lip texture itself covers the teeth.
        var outerUpper = FitCurve([pts[48], pts[49], pts[50], pts[51], pts[52], pts[53], pts[54]]);
        var outerLower = FitCurve([pts[54], pts[55], pts[56], pts[57], pts[58], pts[59], pts[48]]);
        // The band between the lips' real inner edges (teeth reach past the landmark lines), from the photo.
        // Teeth of a broad smile reach a little past the landmark inner corners.
        const float scanStep = 0.5f;
        float reach = 1.2f * inner;
        var landmarkBand = new LipGap.Result(
            Enumerable.Range(0, (int)MathF.Ceiling(2 * reach / scanStep) + 1).Select(i => upper(-reach + i * scanStep)).ToArray(),
            Enumerable.Range(0, (int)MathF.Ceiling(2 * reach / scanStep) + 1).Select(i => lower(-reach + i * scanStep)).ToArray(),
            DefaultLipColour, DefaultLipColour);
        var scan = photo == null ? landmarkBand : LipGap.Scan(photo, _frame, reach, scanStep, upper, lower, outerUpper, outerLower);
        // A photo whose lips stand apart over a dark gap shows its own open mouth: the drawn cavity below the tear line
        // continues it, and the tear line follows the lower lip's real edge. A drawn cavity in the lips' colour under the
        // photo's darker one, with a strip of the lower lip left above it, read as a second, lighter mouth under the first
        // (an open-mouthed woman from @vladmandic/face-api's sample5, 1024).
        float gapShare = MathF.Max(0, lower(0) - upper(0)) / halfWidth;
        float bandLuma = Luma(scan.BandColour), lipLuma = Luma(scan.LipColour);
        _photoShowsCavity = photo != null && !photoShowsTeeth && !rolled && gapShare > OwnCavityGap && bandLuma < OwnCavityLuma * lipLuma;
        var lipAbove = _photoShowsCavity ? LowerLipEdge.Scan(photo!, _frame, inner, 0.5f, inner, upper, lower, bandLuma, lipLuma) : null;
        _facts = $"landmark gap {gapShare:0.00} half widths; lips {lipLuma:0}, between them {bandLuma:0} luma; own cavity: {_photoShowsCavity}"
            + (lipAbove == null ? "" : $" (tear line raised by up to {lipAbove.Max():0.0} px)")
            + $"; edge blur {edgeBlur:0.00} px (drawn edges feathered over at least {_photoFeather:0.00} px)";
        // A broad smile's side teeth hang below the landmark line: the opening starts under them (UpperTeethEdge).
        const float teethStep = 0.5f;
        var teethBelow = photoShowsTeeth && !rolled && photo != null
            ? UpperTeethEdge.Scan(photo, _frame, inner, teethStep, halfWidth, inner, upper, lower)
            : null;
        // How far the tear line lies below the landmark lower inner lip: down past a smile's side teeth, up to the real
        // edge of a lower lip under an open mouth's own dark.
        float LineShift(float x) => MathF.Abs(x) > inner ? 0 : At(teethBelow, x) - At(lipAbove, x);
        float At(float[]? perX, float x) => perX == null ? 0 : perX[Math.Clamp((int)MathF.Round((x + inner) / teethStep), 0, perX.Length - 1)];
        float LipLine(float x)
        {
            float fitted = lower(Math.Clamp(x, -1.25f * inner, 1.25f * inner)) + LineShift(x);
            if (rolled || MathF.Abs(x) <= inner) return fitted;
            float level = MathF.Min(lower(MathF.CopySign(inner, x)), 0);
            return fitted + Smooth.Step(inner, easeEnd, MathF.Abs(x)) * MathF.Max(0, level - fitted);
        }
        _lipLine = new Table1DTriple(_minX, _maxX, 0.25f,
            LipLine,
            x => Drop(x, LipLine(x)),
            x => Smooth.Step(0.8f * inner, tip, MathF.Abs(x)));
        // Where the photo's lips already stand a teeth band apart in the middle, its own teeth (too dim or yellow for
        // DetectTeeth) or gap show there: the band left over towards the corners, where the lips meet, only drew a
        // pale sliver along the cavity's top (elderly-woman-smile at 1024), so no band is drawn at all. Shut lips read
        // up to 0.62 teeth heights apart in the landmarks (three-quarter-man, group-four-women), smiles from 0.95.
        float ownTeeth = Smooth.Step(0.75f, 0.9f, MathF.Max(0, lower(0) - upper(0)) / _teethHeight);
        _lowerTeethDrawn = photoShowsTeeth ? 0 : 1 - ownTeeth;
        _teethRoom = new Table1D(_minX, _maxX, 0.25f, x =>
        {
            float e = Math.Clamp(MathF.Abs(x) / inner, 0, 1);
            if (photoShowsTeeth) return 0;
            float shown = MathF.Max(0, lower(x) - upper(x)); // teeth or gap already visible in the photo
            return (1 - ownTeeth) * MathF.Max(0, _teethHeight * (1 - e * e * e * e) - shown);
        });
        _drop = new Table2D(_minX, _maxX, _minY, _maxY, 1f, Drop);
        float lipsY = lipCentre;
        // The corner motion is a Gaussian around the lips; beyond ~3 sigma it is nil, skip the lookup.
        _widthMinX = -3.9f * halfWidth;
        _widthMinY = lipsY - 2.6f * halfWidth; _widthMaxY = lipsY + 2.6f * halfWidth;
        // Rounding pushes the lips forward: seen from the front they thicken vertically around the lip
        // line (and, with the corners pulled in by _widthShift, the opening turns from a wide lens into
        // a rounder O). A Gaussian over the lips, nothing beyond the cheeks or the chin.
        // Centred on the lower inner lip, where the opening is, so the hole grows taller as well.
        _lipsY = lipCentre;
        _puckerMaxY = 2.5f * halfWidth; // the Gaussian is below 0.002 there: no visible step at the cut
        float lipsMid = _lipsY;
        _pucker = new Table2D(_minX, _maxX, _minY, _maxY, 1f, (x, y) =>
            MathF.Exp(-(x * x) / (1.1f * halfWidth * halfWidth) - (y - lipsMid) * (y - lipsMid) / (halfWidth * halfWidth)));
        _widthShift = new Table2D(_minX, _maxX, _minY, _maxY, 1f, (x, y) =>
            0.3f * x * MathF.Exp(-(x * x) / (1.7f * halfWidth * halfWidth) - (y - lipsY) * (y - lipsY) / (0.7f * halfWidth * halfWidth)));

        // The colour scan is trusted only where teeth show: on closed or barely parted lips of low contrast
        // it took the lips themselves for the gap and squeezed them away (a three-quarter view, looked at).
        // A photo's own dark open mouth has the contrast too: its landmark band left a dark wedge at a closed mouth's corner.
        var (bandTop, bandBottom) = photoShowsTeeth || _photoShowsCavity ? (scan.Top, scan.Bottom) : (landmarkBand.Top, landmarkBand.Bottom);
        _interior = InteriorColours.From(photo, landmarks, scan.LipColour, _photoShowsCavity ? scan.BandColour : null);
        float Band(float[] v, float x) => v[Math.Clamp((int)MathF.Round((x + reach) / scanStep), 0, v.Length - 1)];
        float Taper(float x) => 1 - Smooth.Step(0.95f * inner, 1.2f * inner, MathF.Abs(x));
        float BandTop(float x) => Band(bandTop, x);
        float PhotoGap(float x) => MathF.Max(0, Band(bandBottom, x) - BandTop(x)) * Taper(x);
        _closureLines = new Table1DTriple(_minX, _maxX, 0.25f, BandTop, PhotoGap,
            x => Math.Clamp(lower(Math.Clamp(x, -1.25f * inner, 1.25f * inner)) + LineShift(x) - BandTop(x), 0, PhotoGap(x)));
        _closureReach = new Table1DTriple(_minX, _maxX, 0.25f,
            x => 1.4f * MathF.Max(0, BandTop(x) - outerUpper(x)) + 0.15f * halfWidth,
            x => 1.2f * MathF.Max(0, outerLower(x) - BandTop(x) - PhotoGap(x)) + 0.25f * halfWidth,
            _ => 0);
        // Only a mouth that is really parted: teeth show, or the landmark lips stand apart. In a beard the
        // colour scan alone can mistake moustache for lips (the lips then read as a "gap").
        _photoLipsParted = PhotoGap(0) > 0.6f && (photoShowsTeeth || lower(0) - upper(0) > 0.12f * halfWidth);
        // Lips parted by a dark slit only (no teeth, the band no lighter than the lips): they close to a thin line of the
        // slit itself, as closed lips show one. Squeezed to nothing, the upper lip met the lower at a hard edge that
        // stepped along the mouth in pauses (teen-boy, three-quarter-man, a downcast woman from sample2; 1024).
        // Not a mouth open in the photo: its whole dark gap pressed into a pixel drew a pen line (open-mouth-woman).
        _slitKept = photo != null && !photoShowsTeeth && !_photoShowsCavity && bandLuma <= lipLuma ? 1 : 0;
        _cornerCover = rolled ? CornerCover : 0;
    }

    /// <summary>Where in the source photo this warp can change anything.</summary>
    public SonicWeb.Engine.Imaging.RectF SourceBounds => _frame.ImageBounds(_minX, _maxX, _minY, _maxY);

    /// <summary>Per-frame constants, computed once per Render.</summary>
    /// <param name="Closure">0..1, how far parted lips in the photo are closed over the gap (0 when the photo's lips meet).</param>
    public readonly record struct Pose(float Drop, float Width, float Feather, float Press = 0, float Closure = 0);

    public Pose ForFrame(float mouthOpen, float mouthWidth, float sourcePixelsPerOutputPixel, float mouthPress = 0, float lipClosure = 0)
        => new(Math.Clamp(mouthOpen, 0, 1.2f) * _maxDrop, Math.Clamp(mouthWidth, -1, 1),
               MathF.Max(0.45f + 0.6f * sourcePixelsPerOutputPixel, _photoFeather), Math.Clamp(mouthPress, 0, 1),
               _photoLipsParted ? Math.Clamp(lipClosure, 0, 1) : 0);

    /// <summary>True when the photo's lips are parted in the middle (teeth or a gap show), so closing them changes the picture.</summary>
    public bool PhotoLipsParted => _photoLipsParted;

    /// <summary>What the warp read from the photo's mouth, for the quality tool's <c>--mouth-facts</c>.</summary>
    public string Describe() => $"lips parted: {_photoLipsParted}; {_facts}; drawn teeth luma {Luma(new LipGap.Rgb(_interior.TeethR, _interior.TeethG, _interior.TeethB)):0}";

    private static float Luma(LipGap.Rgb c) => 0.299f * c.R + 0.587f * c.G + 0.114f * c.B;

    /// <summary>
    /// Moves the source position (x, y) of one output pixel according to the mouth pose. Returns the
    /// opacity of the synthesised mouth interior at this pixel (0 almost everywhere) and its colour.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Warp(in Pose pose, ref float x, ref float y, out float r, out float g, out float b)
    {
        r = g = b = 0;
        float lx = _frame.LocalX(x, y), ly = _frame.LocalY(x, y);
        if (lx < _minX || lx > _maxX || ly < _minY || ly > _maxY) return 0;

        float sx = lx;
        if ((pose.Width != 0 || pose.Press > 0) && lx > _widthMinX && lx < -_widthMinX && ly > _widthMinY && ly < _widthMaxY)
        {
            sx -= pose.Width * _widthShift.At(lx, ly);
            // Lip thickness about the lip line: rounded lips are pushed forward and look taller, pressed
            // lips are squeezed together and look thinner (inverse mapping of a vertical scaling).
            float dy = ly - _lipsY;
            float thickness = MathF.Max(0, -pose.Width) * PuckerGain - pose.Press * PressThinning;
            if (dy > -_puckerMaxY && dy < _puckerMaxY)
            {
                // Spread lips (no rounding, no press) skip the lookup; the result is the same.
                float grow = thickness == 0 ? 0 : thickness * _pucker.At(lx, ly);
                ly = _lipsY + dy / (1 + grow);
            }
        }
        _lipLine.At(sx, out float lip, out float dropAtLip, out float outside);
        // Closing parted lips: the jaw below works on the closed face, whose lower lip edge is higher.
        float bandTop = 0, photoGap = 0, closeUp = 0, closeDown = 0;
        if (pose.Closure > 0)
        {
            _closureLines.At(sx, out bandTop, out photoGap, out float lipInBand);
            float keep = _slitKept * MathF.Min(SlitShare * photoGap, SlitMost);
            closeUp = pose.Closure * ClosureSplit * (photoGap - keep);
            closeDown = pose.Closure * (1 - ClosureSplit) * (photoGap - keep);
            // Where the landmark lower lip (the jaw's tear line) lands once the band is squeezed.
            float kept = keep > 0 ? keep / photoGap : 0;
            lip = bandTop + closeUp + lipInBand * (1 - pose.Closure * (1 - kept));
        }
        float dropHere = pose.Drop * dropAtLip;
        float gapTop = lip + dropHere * outside, gapBottom = lip + dropHere;

        float sy;
        if (ly < gapTop) sy = ly - dropHere * outside * (1 - Smooth.Step(0, _upFade, gapTop - ly));
        else if (ly < gapBottom) sy = lip;                         // inside the opening: hidden by the cavity
        else
        {
            sy = ly - pose.Drop * _drop.At(sx, ly - dropHere);    // lower lip, chin, jaw move down
            // The tear line runs along the lower edge of the upper teeth / inner lip in the photo, a
            // light row that showed as a pale line under the cavity; start the lower lip just below it
            // (the offset fades out over three pixels, so nothing further down moves).
            // Only where the opening is: beyond its tips there is no cavity over the line, and the skip drew a
            // straight seam along the tear line's continuation into the cheek (a beard shows it, beard-smile-teeth).
            sy += MathF.Min(1, dropHere) * TearLineSkip * (1 - outside) * (1 - Smooth.Step(0, 3, ly - gapBottom));
        }
        if (closeUp + closeDown > 0.01f) sy = PhotoYOfClosedLips(sx, sy, bandTop, photoGap, closeUp, closeDown);
        _frame.ToImage(sx, sy, out x, out y);

        float gap = gapBottom - gapTop;
        float f = pose.Feather;
        // The drawn cavity starts above the opening where the corner ramp shears the photo (see _cornerCover).
        float top = gapTop - dropHere * outside * (1 - outside) * _cornerCover;
        if (gap < 0.05f || ly < top - f || ly > gapBottom + f) return 0;
        float alpha = Smooth.Clamp01((ly - top) / f + 0.5f) * Smooth.Clamp01((gapBottom - ly) / f + 0.5f) * Smooth.Step(0, 2.5f, gap);
        Interior(sx, ly - top, gapBottom - top, f, out r, out g, out b);
        return alpha;
    }

    /// <summary>
    /// Inverse of the lip closure in one column: the closed face's y to the photo's y. Forward, the upper
    /// lip band [U - reach, U] stretches down to U + closeUp, the gap [U, U + gap] (teeth) is squeezed
    /// into what is left, and the lower lip band [L, L + reach] stretches up from L - closeDown; each
    /// piece is linear, so the inverse is exact and monotonic (no folds, no tears). U is the band's top
    /// (<see cref="LipGap"/>), L = U + gap its bottom.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float PhotoYOfClosedLips(float sx, float y, float upperLip, float gap, float closeUp, float closeDown)
    {
        _closureReach.At(sx, out float upperReach, out float lowerReach, out _);
        float lowerLip = upperLip + gap;
        float top = upperLip - upperReach, upperEdge = upperLip + closeUp, lowerEdge = lowerLip - closeDown;
        if (y <= top || y >= lowerLip + lowerReach) return y;
        if (y < upperEdge) return top + (y - top) * upperReach / (upperReach + closeUp);
        if (y < lowerEdge) return upperLip + (y - upperEdge) * gap / (lowerEdge - upperEdge);
        return lowerLip + (y - lowerEdge) * lowerReach / (lowerReach + closeDown);
    }

    /// <summary>
    /// The mouth interior at depth <paramref name="depth"/> below the opening's top (source px) in an opening
    /// <paramref name="gap"/> tall: a cavity in the person's own lip colour, darkened, darkest in the middle
    /// and towards the back; the tongue low in the middle and the lower teeth's tips just above the lower lip
    /// when the mouth is wide open; a band of upper teeth (separate teeth, in shadow under the lip, dimmer
    /// towards the corners, as bright as the photo's light allows) where the photo shows none.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Interior(float sx, float depth, float gap, float feather, out float r, out float g, out float b)
    {
        var c = _interior;
        float e = Smooth.Clamp01(MathF.Abs(sx) / _innerHalfWidth);
        float t = Smooth.Clamp01(depth / gap);
        float centre = (1 - e * e) * (1 - 0.7f * (2 * t - 1) * (2 * t - 1));
        float dark = 0.5f - 0.35f * centre; // the corners in the cheeks' shadow too: lighter corners read as lip flesh
        dark *= 1 - TipShadow * Smooth.Step(0.75f, 1.15f, MathF.Abs(sx) / _innerHalfWidth);
        r = c.CavityR * dark; g = c.CavityG * dark; b = c.CavityB * dark;
        float wide = Smooth.Step(3f, 8f, gap);
        // The tongue: a dome rising from the floor of the mouth, its top a soft arc across the middle, lit from the
        // front (lighter towards the lower lip, darker at its sides and under the palate). A flat tint here read as
        // an even dark fill at 1024.
        float across = e / TongueHalfWidth;
        float tongueTop = 1 - TongueHeight * wide * MathF.Sqrt(MathF.Max(0, 1 - across * across));
        // Its top edge is softer than the lips' (it is rounded and in shadow, not an outline).
        float tongue = Smooth.Clamp01((t - tongueTop) * gap / (2.5f * feather) + 0.3f) * wide;
        if (tongue > 0)
        {
            float front = Smooth.Step(tongueTop - 0.05f, 1.02f, t);
            float lit = (0.3f + 0.6f * front) * (1 - 0.5f * across * across);
            r += tongue * (c.TongueR * lit - r); g += tongue * (c.TongueG * lit - g); b += tongue * (c.TongueB * lit - b);
        }
        // The photo's own grain on the cavity's walls and the tongue, not on the teeth (enamel is smooth), fixed to the
        // inside of the mouth: it moves with the jaw, like the tongue.
        if (c.Grain > 0)
        {
            float grain = 1 + c.Grain * Grain.At(sx / GrainScale, depth / GrainScale);
            r *= grain; g *= grain; b *= grain;
        }
        // The tips of the lower incisors just above the lower lip, in front of the tongue, only when wide open:
        // four narrow teeth in the middle, in the lip's shadow. A band across the whole opening read as a ledge.
        // A smile that shows teeth brings its own lower teeth down with the jaw: a drawn row above them read as a second row.
        // Along the teeth (|ArchPosition|) rather than across the opening (e): on a turned face they differ.
        float arch = MathF.Abs(ArchPosition(sx));
        float lowerWide = Smooth.Step(5f, 10f, gap);
        if (lowerWide * _lowerTeethDrawn > 0 && arch < LowerTeethHalfWidth)
        {
            float lowerS = arch / LowerTeethHalfWidth * 0.43f;
            float lowerSeam = ToothSeam(lowerS);
            float lowerAcross = ToothAcross(lowerS);
            float tips = 0.085f * gap * (1 - 0.25f * lowerSeam) * (1 - IncisalRounding * Pow6(lowerAcross));
            float lowerTeeth = lowerWide * _lowerTeethDrawn * Smooth.Clamp01((depth - (gap - tips)) / feather + 0.5f)
                * (1 - Smooth.Step(0.3f * LowerTeethHalfWidth, LowerTeethHalfWidth, arch)) * 0.85f;
            float dim = 0.66f * (1 - 0.2f * lowerSeam) * (1 - ToothRoundness * lowerAcross * lowerAcross);
            r += lowerTeeth * (c.TeethR * dim - r); g += lowerTeeth * (c.TeethG * dim - g); b += lowerTeeth * (c.TeethB * dim - b);
        }

        float band = MathF.Min(0.32f * gap, _teethRoom.At(sx));
        if (band > 0.05f)
        {
            // Separate teeth, each one rounded: lit in its middle and darker towards its sides (the enamel curves
            // away from the light), its lower corners rounded off, a faint seam where two meet. A flat band cut by
            // thin dark seams read as piano keys at 1024 (teen-boy, dark-skin-woman, three-quarter-man).
            float seam = ToothSeam(arch);
            float toothAcross = ToothAcross(arch);
            float bandHere = band * (1 - 0.1f * seam) * (1 - IncisalRounding * Pow6(toothAcross));
            // Towards the corners the teeth recede into the cheeks' shadow: the band fades into the cavity
            // instead of ending in a grey sliver where the opening narrows to its tip (the tilted group photo).
            float teeth = Smooth.Clamp01((bandHere - depth) / feather + 0.5f) * Smooth.Step(0.05f, 0.6f, band) * (1 - Smooth.Step(CornerFadeStart, 0.95f, e));
            float shade = (1 - 0.45f * e * e) * (1 - 0.2f * Smooth.Clamp01(depth / band)) * (1 - 0.07f * seam) * (1 - ToothRoundness * toothAcross * toothAcross)
                * (0.86f + 0.14f * Smooth.Step(0, 0.4f * band + 0.5f, depth));   // in the upper lip's shadow at the top
            r += teeth * (c.TeethR * shade - r); g += teeth * (c.TeethG * shade - g); b += teeth * (c.TeethB * shade - b);
        }
    }

    /// <summary>0..1 near the gap between two teeth; <paramref name="s"/> = |x| / inner half width (incisors are widest).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float ToothSeam(float s)
    {
        float best = 1;
        foreach (float edge in ToothEdges) best = MathF.Min(best, MathF.Abs(s - edge));
        float width = _seamWidth; // 0.45 source px (more on a soft photo) as a share of the half width
        return MathF.Exp(-best * best / (width * width));
    }

    /// <summary>
    /// Where <paramref name="s"/> (= |x| / inner half width) lies across its tooth: -1 and 1 at the tooth's two edges,
    /// 0 in its middle. Past the last listed edge the teeth keep the last tooth's width.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ToothAcross(float s)
    {
        float left = ToothEdges[^1], width = ToothEdges[^1] - ToothEdges[^2];
        for (int i = 1; i < ToothEdges.Length; i++)
            if (s < ToothEdges[i]) { left = ToothEdges[i - 1]; width = ToothEdges[i] - left; break; }
        if (s >= ToothEdges[^1]) left += MathF.Floor((s - left) / width) * width;
        return 2 * (s - left) / width - 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Pow6(float x) { float x2 = x * x; return x2 * x2 * x2; }

    /// <summary>How much darker a drawn tooth is at its sides than in its middle (squared towards the sides).</summary>
    private const float ToothRoundness = 0.22f;

    /// <summary>How much shorter a drawn tooth is at its lower corners than in its middle: rounded incisal corners.</summary>
    private const float IncisalRounding = 0.16f;

    /// <summary>
    /// How much darker the opening gets towards its tips, beyond three quarters of the inner half width: the corners
    /// of an open mouth lie in the cheeks' shadow. At the corners' own 0.5 of the cavity colour the tips read as a
    /// flat maroon wedge against the skin (smile-teeth-man, 512).
    /// </summary>
    private const float TipShadow = 0.6f;

    /// <summary>
    /// The grain's lattice, in source pixels: the lips' own mottling in the quality set's photos is two to three source
    /// pixels across; one source pixel read as rough cloth at 1024 (smile-teeth-man, looked at).
    /// </summary>
    private const float GrainScale = 2f;

    /// <summary>The tongue's dome spans this share of the inner half width each side and rises this share of the opening.</summary>
    private const float TongueHalfWidth = 0.74f, TongueHeight = 0.4f;
    /// <summary>Share of the inner half width each side of the middle where lower incisors show (four teeth).</summary>
    private const float LowerTeethHalfWidth = 0.42f;

    /// <summary>Share of the inner half width from which the synthetic teeth fade into the corners' shadow.</summary>
    private const float CornerFadeStart = 0.7f;

    private static readonly float[] ToothEdges = [0f, 0.23f, 0.43f, 0.6f, 0.75f, 0.88f];
    private readonly float _seamWidth;

    /// <summary>
    /// The drawn teeth stand on an arch (<see cref="ArchHalfAngle"/> each side of the front), and a turned face turns
    /// that arch: its far side's teeth come out narrower and the gap between the front teeth moves towards the far
    /// corner. The turn is read from how far the nose sits off the middle of the face's outline
    /// (<see cref="FaceLandmarkNet68.NoseOffsetOf"/>, about <see cref="NoseReach"/> x the sine of the turn), not from the
    /// lips: the landmark fit draws the lips of a turned face symmetric about their corners.
    /// </summary>
    private readonly float _archTurn, _archSinTurnCosSpan, _archCosTurnSinSpan;
    /// <summary>The arch between the mouth's corners spans this angle (radians) each side of the front teeth: the canines at the corners.</summary>
    private const float ArchHalfAngle = 1.0f;
    private static readonly float InverseSinArchHalfAngle = 1 / MathF.Sin(ArchHalfAngle);
    /// <summary>How far the nose moves off the outline's middle, as a share of its half width, per unit sine of the turn.</summary>
    private const float NoseReach = 0.6f;
    /// <summary>Beyond this turn (radians) the layout stays as it is: the landmark fit itself is unreliable there.</summary>
    private const float MaxArchTurn = 0.5f;

    /// <summary>
    /// Where <paramref name="sx"/> (mouth frame x, source px) lies along the drawn teeth, in inner half widths of a face
    /// seen from the front: the frontal layout's own |sx| / inner half width when the face looks at the camera. On a
    /// turned face the arch point under the pixel is found (the image shows sin(angle + turn), scaled so the corners stay
    /// the corners) and placed where the front view would show it. Signed: negative towards the image-left corner.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float ArchPosition(float sx)
    {
        float x = sx / _innerHalfWidth;
        if (_archTurn == 0) return x;
        float seen = Math.Clamp(x * _archCosTurnSinSpan + _archSinTurnCosSpan, -1f, 1f);
        return MathF.Sin(MathF.Asin(seen) - _archTurn) * InverseSinArchHalfAngle;
    }

    /// <summary>
    /// True when the photo shows teeth just above the middle of the lower inner lip: bright, barely
    /// coloured pixels (teeth) where a closed mouth has red lip or a dark line.
    /// </summary>
    public static bool DetectTeeth(SonicWeb.Engine.Imaging.RgbImage photo, FaceLandmarks landmarks)
    {
        var p = landmarks.Points;
        float mouthWidth = Vector2.Distance(p[48], p[54]);
        int teethLike = 0, samples = 0;
        foreach (int i in new[] { 65, 66, 67 })
            for (float up = 0.03f; up <= 0.09f; up += 0.03f)
            {
                int x = (int)MathF.Round(p[i].X), y = (int)MathF.Round(p[i].Y - up * mouthWidth);
                if ((uint)x >= (uint)photo.Width || (uint)y >= (uint)photo.Height) continue;
                int o = y * photo.Stride + x * 3;
                int r = photo.Pixels[o], g = photo.Pixels[o + 1], b = photo.Pixels[o + 2];
                samples++;
                if (0.299f * r + 0.587f * g + 0.114f * b > 150 && Math.Max(r, Math.Max(g, b)) - Math.Min(r, Math.Min(g, b)) < 70) teethLike++;
            }
        return samples > 0 && teethLike * 2 > samples || TeethBetweenTheLips(photo, landmarks);
    }

    /// <summary>
    /// Teeth the landmarks missed: on a soft, small face the landmark lips may meet across the teeth, and in coloured light
    /// the teeth are neither as bright nor as grey as <see cref="DetectTeeth"/> asks (sample3's blonde woman in
    /// @vladmandic/face-api's demo: luma 150-162, chroma 42-52 in blue light, where a drawn row then appeared under her
    /// own). Relative evidence instead, down the middle columns from the outer upper to the outer lower lip: a run, a
    /// tenth of the mouth's half width long, clearly lighter than the lips and at most 60% as coloured. A closed mouth's
    /// lips and the dark line between them are neither.
    /// </summary>
    private static bool TeethBetweenTheLips(SonicWeb.Engine.Imaging.RgbImage photo, FaceLandmarks landmarks)
    {
        var p = landmarks.Points;
        float halfWidth = Vector2.Distance(p[48], p[54]) / 2;
        int columnsWithTeeth = 0;
        foreach (var (top, bottom) in new[] { (p[50], p[58]), (p[51], p[57]), (p[52], p[56]) })
        {
            int n = (int)MathF.Ceiling(Vector2.Distance(top, bottom));
            if (n < 8) continue;
            var column = new (float Luma, float Chroma)[n + 1];
            for (int k = 0; k <= n; k++)
            {
                // A 3 x 3 mean: single pixels of JPEG noise broke the runs (the same photo saved at another quality).
                var at = Vector2.Lerp(top, bottom, k / (float)n);
                float r = 0, g = 0, b = 0;
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int x = Math.Clamp((int)MathF.Round(at.X) + dx, 0, photo.Width - 1), y = Math.Clamp((int)MathF.Round(at.Y) + dy, 0, photo.Height - 1);
                        int o = y * photo.Stride + x * 3;
                        r += photo.Pixels[o] / 9f; g += photo.Pixels[o + 1] / 9f; b += photo.Pixels[o + 2] / 9f;
                    }
                column[k] = (0.299f * r + 0.587f * g + 0.114f * b, MathF.Max(r, MathF.Max(g, b)) - MathF.Min(r, MathF.Min(g, b)));
            }
            // The lips: the more coloured half of the column. Its first and last quarters were taken before, but a thin upper
            // lip over a broad smile leaves teeth in the first quarter and the outer lower landmark lies on the skin below
            // the lip (group-three-men: lips read luma 115-139, chroma 41-60, and its yellowish teeth, luma 150-166 and
            // chroma 25-37, were not "at most 60% as coloured").
            var lips = column.OrderByDescending(c => c.Chroma).Take((n + 1) / 2).ToArray();
            float lipLuma = Median.Of(lips.Select(c => c.Luma)), lipChroma = Median.Of(lips.Select(c => c.Chroma));
            // Teeth lie between the lips: the run is looked for in the middle half, not in the skin at the column's ends.
            int run = 0, longest = 0;
            foreach (var c in column[(n / 4)..(n + 1 - n / 4)])
            {
                run = c.Luma >= lipLuma + 15 && c.Chroma <= 0.6f * lipChroma ? run + 1 : 0;
                longest = Math.Max(longest, run);
            }
            if (longest >= MathF.Max(3, 0.1f * halfWidth)) columnsWithTeeth++;
        }
        return columnsWithTeeth >= 2;
    }

    /// <summary>Least-squares y = a + b x + c x^2 through lip points given in image coordinates.</summary>
    private Func<float, float> FitCurve(Vector2[] imagePoints)
        => Quadratic.Fit(imagePoints.Select(p => { var l = _frame.ToLocal(p); return (l.X, l.Y); }));
}
