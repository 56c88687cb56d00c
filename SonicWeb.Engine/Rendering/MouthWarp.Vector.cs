using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SonicWeb.Engine.Rendering;

/// <summary>
/// <see cref="Warp"/> for eight pixels at once (AVX2): the mouth box is about a third of a frame, and the
/// per-pixel warp there cost four times the rest of the frame. Each lane does the same float operations in
/// the same order as the scalar code (branches become selects; no fused multiply-add), so the positions are
/// bit-identical. The mouth interior (a few pixels around the opening) is not drawn here: those lanes are
/// returned to the caller, which renders them with the scalar <see cref="Warp"/>.
/// </summary>
internal sealed partial class MouthWarp
{
    /// <summary>
    /// Moves the source positions (x, y) of eight output pixels as <see cref="Warp"/> would. Returns a mask of
    /// the lanes where the mouth interior may show (all bits set); those lanes must be redone with
    /// <see cref="Warp"/>, their x and y here are to be ignored.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Warp8(in Pose pose, ref Vector256<float> x, ref Vector256<float> y)
    {
        var ox = Vector256.Create(_frame.OriginX); var oy = Vector256.Create(_frame.OriginY);
        var ax = Vector256.Create(_frame.AxisX); var ay = Vector256.Create(_frame.AxisY);
        // LocalFrame.LocalX / LocalY
        var lx = (x - ox) * ax + (y - oy) * ay;
        var ly = -(x - ox) * ay + (y - oy) * ax;
        var inside = Avx.CompareGreaterThanOrEqual(lx, Vector256.Create(_minX)) & Avx.CompareLessThanOrEqual(lx, Vector256.Create(_maxX))
                   & Avx.CompareGreaterThanOrEqual(ly, Vector256.Create(_minY)) & Avx.CompareLessThanOrEqual(ly, Vector256.Create(_maxY));
        if (inside.ExtractMostSignificantBits() == 0) return Vector256<float>.Zero;

        var sx = lx;
        if (pose.Width != 0 || pose.Press > 0)
        {
            var widthRegion = Avx.CompareGreaterThan(lx, Vector256.Create(_widthMinX)) & Avx.CompareLessThan(lx, Vector256.Create(-_widthMinX))
                            & Avx.CompareGreaterThan(ly, Vector256.Create(_widthMinY)) & Avx.CompareLessThan(ly, Vector256.Create(_widthMaxY));
            if ((widthRegion & inside).ExtractMostSignificantBits() != 0)
            {
                var shifted = sx - Vector256.Create(pose.Width) * _widthShift.At8(lx, ly);
                var dy = ly - Vector256.Create(_lipsY);
                float thickness = MathF.Max(0, -pose.Width) * PuckerGain - pose.Press * PressThinning;
                var grow = thickness == 0 ? Vector256<float>.Zero : Vector256.Create(thickness) * _pucker.At8(lx, ly);
                var thick = Vector256.Create(_lipsY) + dy / (Vector256<float>.One + grow);
                var puckerRegion = Avx.CompareGreaterThan(dy, Vector256.Create(-_puckerMaxY)) & Avx.CompareLessThan(dy, Vector256.Create(_puckerMaxY));
                sx = Avx.BlendVariable(sx, shifted, widthRegion);
                ly = Avx.BlendVariable(ly, thick, widthRegion & puckerRegion);
            }
        }
        _lipLine.At8(sx, out var lip, out var dropAtLip, out var outside);
        Vector256<float> bandTop = default, photoGap = default, closeUp = default, closeDown = default;
        bool closing = pose.Closure > 0;
        if (closing)
        {
            _closureLines.At8(sx, out bandTop, out photoGap, out var lipInBand);
            var keep = Vector256.Create(_slitKept) * Avx.Min(Vector256.Create(SlitShare) * photoGap, Vector256.Create(SlitMost));
            closeUp = Vector256.Create(pose.Closure * ClosureSplit) * (photoGap - keep);
            closeDown = Vector256.Create(pose.Closure * (1 - ClosureSplit)) * (photoGap - keep);
            var kept = Avx.BlendVariable(Vector256<float>.Zero, keep / photoGap, Avx.CompareGreaterThan(keep, Vector256<float>.Zero));
            lip = bandTop + closeUp + lipInBand * (Vector256<float>.One - Vector256.Create(pose.Closure) * (Vector256<float>.One - kept));
        }
        var dropHere = Vector256.Create(pose.Drop) * dropAtLip;
        var gapTop = lip + dropHere * outside;
        var gapBottom = lip + dropHere;

        // Above the opening: the cheek beside the corners follows the lip line, fading upwards.
        var above = ly - dropHere * outside * (Vector256<float>.One - Step((gapTop - ly) / Vector256.Create(_upFade)));
        var sy = above;
        var belowOpening = Avx.CompareGreaterThanOrEqual(ly, gapBottom);
        if ((belowOpening & inside).ExtractMostSignificantBits() != 0)
        {
            // Lower lip, chin and jaw move down; the tear line's light edge is skipped.
            var below = ly - Vector256.Create(pose.Drop) * _drop.At8(sx, ly - dropHere);
            below += Avx.Min(Vector256<float>.One, dropHere) * Vector256.Create(TearLineSkip) * (Vector256<float>.One - outside)
                     * (Vector256<float>.One - Step((ly - gapBottom) / Vector256.Create(3f)));
            sy = Avx.BlendVariable(sy, below, belowOpening);
        }
        // Inside the opening (hidden by the cavity): the lip line.
        sy = Avx.BlendVariable(sy, lip, Avx.CompareGreaterThanOrEqual(ly, gapTop) & Avx.CompareLessThan(ly, gapBottom));
        if (closing)
            sy = Avx.BlendVariable(sy, PhotoYOfClosedLips8(sx, sy, bandTop, photoGap, closeUp, closeDown),
                Avx.CompareGreaterThan(closeUp + closeDown, Vector256.Create(0.01f)));

        // LocalFrame.ToImage
        x = Avx.BlendVariable(x, ox + sx * ax - sy * ay, inside);
        y = Avx.BlendVariable(y, oy + sx * ay + sy * ax, inside);

        // Where Warp returns a non-zero interior opacity.
        var feather = Vector256.Create(pose.Feather);
        var noInterior = Avx.CompareLessThan(gapBottom - gapTop, Vector256.Create(0.05f))
                       | Avx.CompareLessThan(ly, gapTop - dropHere * outside * (Vector256<float>.One - outside) * Vector256.Create(_cornerCover) - feather)
                       | Avx.CompareGreaterThan(ly, gapBottom + feather);
        return Avx.AndNot(noInterior, inside);
    }

    /// <summary><see cref="PhotoYOfClosedLips"/> lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector256<float> PhotoYOfClosedLips8(Vector256<float> sx, Vector256<float> y, Vector256<float> upperLip, Vector256<float> gap,
        Vector256<float> closeUp, Vector256<float> closeDown)
    {
        _closureReach.At8(sx, out var upperReach, out var lowerReach, out _);
        var lowerLip = upperLip + gap;
        var top = upperLip - upperReach;
        var upperEdge = upperLip + closeUp;
        var lowerEdge = lowerLip - closeDown;
        var lowerPiece = lowerLip + (y - lowerEdge) * lowerReach / (lowerReach + closeDown);
        var gapPiece = upperLip + (y - upperEdge) * gap / (lowerEdge - upperEdge);
        var upperPiece = top + (y - top) * upperReach / (upperReach + closeUp);
        var result = Avx.BlendVariable(lowerPiece, gapPiece, Avx.CompareLessThan(y, lowerEdge));
        result = Avx.BlendVariable(result, upperPiece, Avx.CompareLessThan(y, upperEdge));
        var untouched = Avx.CompareLessThanOrEqual(y, top) | Avx.CompareGreaterThanOrEqual(y, lowerLip + lowerReach);
        return Avx.BlendVariable(result, y, untouched);
    }

    /// <summary><see cref="Smooth.Step"/>(0, e, z) given t = z / e (the same division as the scalar code's (z - 0) / (e - 0)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Step(Vector256<float> t)
    {
        t = Avx.BlendVariable(Avx.BlendVariable(t, Vector256<float>.One, Avx.CompareGreaterThan(t, Vector256<float>.One)),
                              Vector256<float>.Zero, Avx.CompareLessThan(t, Vector256<float>.Zero));
        return t * t * (Vector256.Create(3f) - Vector256.Create(2f) * t);
    }
}
