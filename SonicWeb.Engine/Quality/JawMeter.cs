using System.Numerics;
using SonicWeb.Engine.Faces;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Rendering;

namespace SonicWeb.Engine.Quality;

/// <summary>One frame's jaw, measured against the still photo framed the same way.</summary>
/// <param name="Drop">How far the lower lip and chin sit below where the still photo has them, relative to the
/// nose and upper lip, along the face's "down" (square to the line between the mouth corners), as a share of the mouth width (negative when the lower lip has risen, e.g. closing over a
/// smile's teeth).</param>
/// <param name="UpperShift">Where the nose and upper lip moved (output pixels): the head's own motion.</param>
/// <param name="MatchError">Mean absolute luma difference (8-bit levels) of the lower block at its best match.</param>
public readonly record struct JawReading(float Drop, Vector2 UpperShift, float MatchError);

/// <summary>
/// Measures how far the mouth is open without looking at colour: the texture of the lower lip and the chin is
/// found in each frame by block matching against the still photo (framed as the video, not animated), and so is
/// the texture of the nose base and upper lip. The lower block's offset minus the upper block's (head motion moves
/// both), along the face's "down", is how far the lower lip has dropped: the warp drops the jaw along the face's
/// axis, so on a rolled head (the tilted group photo, mouth line 43 degrees) a vertical reading saw only cos(roll) of the drop,
/// and the sideways part ran out of the search window. A red lipstick, a dark beard or a smile's teeth do not
/// change where a texture moved, so this reads the same on any face; what it cannot see is a cavity that is drawn
/// without moving the lips (the cavity measure, <see cref="MouthMeter"/>, does).
/// </summary>
public sealed class JawMeter
{
    private readonly Block _upper, _lower;
    private readonly int _headReach, _dropUp, _dropDown, _sideReach;
    private readonly Vector2 _down;   // unit, square to the mouth corners' line, towards the chin
    private Vector2 _lastUpper;

    /// <summary>Mouth width (outer corners) in output pixels.</summary>
    public float MouthWidthPixels { get; }

    /// <summary>Where the lower lip and chin texture is taken from (output pixels of the still frame).</summary>
    public PixelRegion LowerBlock => _lower.Region;

    /// <summary>Where the nose base and upper lip texture is taken from.</summary>
    public PixelRegion UpperBlock => _upper.Region;

    public JawMeter(FaceLandmarks landmarks, FrameLayout layout, RgbImage still)
    {
        ArgumentNullException.ThrowIfNull(landmarks);
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(still);
        var p = landmarks.Points;
        float width = Vector2.Distance(p[48], p[54]);
        float middle = (p[51].X + p[57].X) / 2;
        float upperLipTop = MathF.Min(p[50].Y, p[52].Y);
        // Upper: from above the nostrils down to the upper lip's outer edge. The closing of a smile stretches the
        // upper lip's lower part down, so the block stops at its top edge.
        float upperTop = MathF.Min(p[33].Y - 0.3f * (upperLipTop - p[33].Y), p[33].Y - 0.08f * width);
        var upper = PixelRegion.FromSource(layout, middle - 0.35f * width, upperTop, middle + 0.35f * width, upperLipTop);
        // Lower: the chin just below the lower lip (the fold under the lip and the chin's top). It moves with the
        // jaw (MouthWarp's forward model: the drop stays high from the lower lip down to the chin) and with nothing
        // else: the lips themselves get thinner when pressed and stretch when closing over a smile's teeth, which
        // moved a block on the lip's edge by up to 4% of the mouth width with the jaw shut.
        // Placed along the face's "down" from the lower lip (on an upright face: straight below it, as before).
        var axis = Vector2.Normalize(p[54] - p[48]);
        _down = new Vector2(-axis.Y, axis.X);
        float lipThickness = Vector2.Dot(p[57] - p[66], _down);
        var anchor = p[57] + axis * Vector2.Dot((p[51] - p[57]) / 2, axis);
        var lowerCentre = anchor + _down * (0.5f * lipThickness + 0.175f * width);
        var lower = PixelRegion.FromSource(layout, lowerCentre.X - 0.25f * width, lowerCentre.Y - 0.175f * width,
            lowerCentre.X + 0.25f * width, lowerCentre.Y + 0.175f * width);
        _upper = new Block(still, upper);
        _lower = new Block(still, lower);
        MouthWidthPixels = width * layout.Width / layout.SourceCrop.Width;
        float w = MouthWidthPixels;
        _headReach = Math.Max(3, (int)MathF.Ceiling(0.12f * w));
        _dropUp = Math.Max(3, (int)MathF.Ceiling(0.25f * w));
        _dropDown = Math.Max(6, (int)MathF.Ceiling(0.8f * w));
        _sideReach = Math.Max(2, (int)MathF.Ceiling(0.05f * w));
    }

    public JawReading Measure(RgbImage frame)
    {
        if (_upper.IsEmpty || _lower.IsEmpty) return default;
        // The head moves a little between frames: search around the last frame's offset (the first frame
        // around no offset), then the jaw relative to the head.
        int ux = (int)MathF.Round(_lastUpper.X), uy = (int)MathF.Round(_lastUpper.Y);
        var (upper, _) = _upper.Find(frame, ux - _headReach, ux + _headReach, uy - _headReach, uy + _headReach);
        _lastUpper = upper;
        int lx = (int)MathF.Round(upper.X), ly = (int)MathF.Round(upper.Y);
        // The jaw moves along _down: per row, the columns searched are centred on that line.
        float slant = _down.X / _down.Y;
        var (lower, error) = _lower.FindAlong(frame, lx, ly, _sideReach, ly - _dropUp, ly + _dropDown, slant);
        return new JawReading(Vector2.Dot(lower - upper, _down) / MouthWidthPixels, upper, error);
    }

    /// <summary>A patch of the still frame (luma, its mean removed) and a search for it in other frames.</summary>
    private sealed class Block
    {
        private readonly float[] _luma;
        public PixelRegion Region { get; }
        public bool IsEmpty => Region.Width < 4 || Region.Height < 4;

        public Block(RgbImage still, PixelRegion region)
        {
            Region = region;
            _luma = new float[Math.Max(0, region.Width * region.Height)];
            if (IsEmpty) return;
            int k = 0;
            for (int y = region.Y0; y < region.Y1; y++)
                for (int x = region.X0; x < region.X1; x++) _luma[k++] = PixelRegion.Luma(still, x, y);
            float mean = _luma.Average();
            for (int i = 0; i < _luma.Length; i++) _luma[i] -= mean;
        }

        /// <summary>
        /// The offset (dx, dy) in the given ranges where the frame looks most like the block (least mean
        /// absolute difference, each side's own mean removed so shading does not count), with the vertical
        /// offset refined to a fraction of a pixel by a parabola through the neighbouring costs.
        /// </summary>
        public (Vector2 Offset, float Error) Find(RgbImage frame, int dx0, int dx1, int dy0, int dy1)
        {
            // Offsets that would take the block outside the frame are not searched.
            dx0 = Math.Max(dx0, -Region.X0); dx1 = Math.Min(dx1, frame.Width - Region.X1);
            dy0 = Math.Max(dy0, -Region.Y0); dy1 = Math.Min(dy1, frame.Height - Region.Y1);
            if (dx0 > dx1 || dy0 > dy1) return (Vector2.Zero, float.NaN);
            // The frame's luma over every searched position, once.
            int fx0 = Region.X0 + dx0, fy0 = Region.Y0 + dy0, fw = Region.Width + dx1 - dx0, fh = Region.Height + dy1 - dy0;
            var area = new float[fw * fh];
            for (int y = 0; y < fh; y++)
                for (int x = 0; x < fw; x++) area[y * fw + x] = PixelRegion.Luma(frame, fx0 + x, fy0 + y);

            int rows = dy1 - dy0 + 1, columns = dx1 - dx0 + 1;
            var costs = new float[rows * columns];
            int best = 0;
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < columns; c++)
                {
                    float cost = Cost(area, fw, c, r);
                    costs[r * columns + c] = cost;
                    if (cost < costs[best]) best = r * columns + c;
                }
            int br = best / columns, bc = best % columns;
            float sub = 0;
            if (br > 0 && br < rows - 1)
            {
                float a = costs[(br - 1) * columns + bc], b = costs[best], d = costs[(br + 1) * columns + bc];
                float curvature = a - 2 * b + d;
                if (curvature > 1e-6f) sub = Math.Clamp(0.5f * (a - d) / curvature, -0.5f, 0.5f);
            }
            return (new Vector2(dx0 + bc, dy0 + br + sub), costs[best]);
        }

        /// <summary>
        /// <see cref="Find"/> in a slanted band: rows <paramref name="dy0"/>..<paramref name="dy1"/>, each searched
        /// <paramref name="side"/> columns either side of the line through (<paramref name="dx"/>, <paramref name="dy"/>)
        /// with <paramref name="slant"/> columns per row (the face's "down" on a rolled head). The row is refined by a
        /// parabola through the costs one row above and below at the best column.
        /// </summary>
        public (Vector2 Offset, float Error) FindAlong(RgbImage frame, int dx, int dy, int side, int dy0, int dy1, float slant)
        {
            var best = (Offset: Vector2.Zero, Error: float.NaN);
            for (int row = dy0; row <= dy1; row++)
            {
                int centre = dx + (int)MathF.Round(slant * (row - dy));
                var found = Find(frame, centre - side, centre + side, row, row);
                if (!float.IsNaN(found.Error) && !(found.Error >= best.Error)) best = found;
            }
            if (float.IsNaN(best.Error)) return best;
            int bx = (int)best.Offset.X, by = (int)best.Offset.Y;
            float sub = 0;
            if (by > dy0 && by < dy1)
            {
                float a = Find(frame, bx, bx, by - 1, by - 1).Error, d = Find(frame, bx, bx, by + 1, by + 1).Error;
                float curvature = a - 2 * best.Error + d;
                if (curvature > 1e-6f) sub = Math.Clamp(0.5f * (a - d) / curvature, -0.5f, 0.5f);
            }
            return (new Vector2(bx, by + sub), best.Error);
        }

        private float Cost(float[] area, int stride, int ox, int oy)
        {
            int w = Region.Width, h = Region.Height;
            double mean = 0;
            for (int y = 0; y < h; y++)
            {
                int row = (oy + y) * stride + ox;
                for (int x = 0; x < w; x++) mean += area[row + x];
            }
            float m = (float)(mean / (w * h));
            double sum = 0;
            for (int y = 0; y < h; y++)
            {
                int row = (oy + y) * stride + ox, own = y * w;
                for (int x = 0; x < w; x++) sum += MathF.Abs(area[row + x] - m - _luma[own + x]);
            }
            return (float)(sum / (w * h));
        }
    }
}
