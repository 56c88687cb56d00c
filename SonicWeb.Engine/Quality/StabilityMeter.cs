using System.Numerics;
using SonicWeb.Engine.Faces;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Rendering;

namespace SonicWeb.Engine.Quality;

/// <summary>
/// Temporal stability of parts of the picture that should not change much: the four background
/// corners (8% squares) and the forehead (between the brows, above the eyelid warp). The figure is
/// the mean absolute luma difference between consecutive frames, in 8-bit levels, per region group.
/// With motion_scale 0 it should be codec noise only (well under 1 level); with head motion the
/// forehead moves (that is motion, not shimmer), the corners only by the body's small follow.
/// </summary>
public sealed class StabilityMeter
{
    private readonly PixelRegion[] _corners;
    private readonly PixelRegion _forehead;
    private float[]? _previousCorners, _previousForehead;
    private double _cornerSum, _foreheadSum, _cornerMax, _foreheadMax;
    private int _pairs;

    public StabilityMeter(FaceLandmarks landmarks, FrameLayout layout)
    {
        int s = Math.Max(4, (int)(0.08f * Math.Min(layout.Width, layout.Height)));
        int w = layout.Width, h = layout.Height;
        _corners = [new(0, 0, s, s), new(w - s, 0, w, s), new(0, h - s, s, h), new(w - s, h - s, w, h)];
        var p = landmarks.Points;
        Vector2 min = new(float.MaxValue), max = new(float.MinValue);
        foreach (var q in p) { min = Vector2.Min(min, q); max = Vector2.Max(max, q); }
        float face = max.Y - min.Y;
        float browY = MathF.Min(p[19].Y, p[24].Y);
        Forehead = PixelRegion.FromSource(layout, p[19].X, browY - 0.32f * face, p[24].X, browY - 0.1f * face);
        _forehead = Forehead;
    }

    public PixelRegion Forehead { get; }

    public void Observe(RgbImage frame)
    {
        var corners = Sample(frame, _corners);
        var forehead = Sample(frame, [_forehead]);
        if (_previousCorners != null && _previousForehead != null)
        {
            double c = MeanAbsDiff(corners, _previousCorners), f = MeanAbsDiff(forehead, _previousForehead);
            _cornerSum += c; _foreheadSum += f; _pairs++;
            _cornerMax = Math.Max(_cornerMax, c); _foreheadMax = Math.Max(_foreheadMax, f);
        }
        _previousCorners = corners; _previousForehead = forehead;
    }

    /// <summary>Mean and largest frame-to-frame difference (8-bit luma levels).</summary>
    public (double CornersMean, double CornersMax, double ForeheadMean, double ForeheadMax) Result
        => _pairs == 0 ? default : (_cornerSum / _pairs, _cornerMax, _foreheadSum / _pairs, _foreheadMax);

    private static float[] Sample(RgbImage frame, PixelRegion[] regions)
    {
        var values = new List<float>();
        foreach (var r in regions)
            for (int y = r.Y0; y < r.Y1; y++)
                for (int x = r.X0; x < r.X1; x++)
                    values.Add(PixelRegion.Luma(frame, x, y));
        return values.ToArray();
    }

    private static double MeanAbsDiff(float[] a, float[] b)
    {
        if (a.Length == 0) return 0;
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += Math.Abs(a[i] - b[i]);
        return sum / a.Length;
    }
}
