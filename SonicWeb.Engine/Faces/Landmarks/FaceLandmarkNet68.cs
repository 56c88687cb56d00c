using System.Buffers;
using System.Numerics;
using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Models;

namespace SonicWeb.Engine.Faces.Landmarks;

/// <summary>
/// 68-point face landmarks (iBUG order) with the weights of face-api.js's face_landmark_68_model,
/// run by our own CPU forward pass (about 50 M multiply-adds per face). The weights load once, on
/// first use, thread-safely; a failed load is not cached, so fetching the models fixes it without a
/// restart. Detect is safe to call from several threads at once.
/// </summary>
public sealed class FaceLandmarkNet68
{
    private readonly Func<LandmarkNetwork> _load;
    private readonly object _loadGate = new();
    private volatile LandmarkNetwork? _network;

    /// <param name="store">Where the model files come from (ids landmarks68-manifest, landmarks68-weights).</param>
    public FaceLandmarkNet68(ModelStore store)
        : this(() => Load(store.GetPath("landmarks68-manifest"), store.GetPath("landmarks68-weights"))) { }

    private FaceLandmarkNet68(Func<LandmarkNetwork> load) => _load = load;

    /// <summary>The net over <see cref="ModelStore.Default"/>.</summary>
    public static FaceLandmarkNet68 Default { get; } = new(ModelStore.Default);

    /// <summary>A net reading the given manifest and weights files directly (tools, tests).</summary>
    public static FaceLandmarkNet68 FromFiles(string manifestPath, string weightsPath)
        => new(() => Load(manifestPath, weightsPath));

    /// <summary>Loads the weights now (otherwise the first Detect does). Throws model_missing on failure.</summary>
    public void EnsureLoaded() => _ = Network;

    /// <summary>
    /// The 68 landmarks of the face in <paramref name="faceRegion"/> (source pixels; may extend past the
    /// image, which reads as black). The region should span the face roughly from the brows to the
    /// chin, as face-api's own detectors' boxes do; see <see cref="RegionFromDetectorBox"/>. Points are
    /// in continuous source-pixel coordinates (0,0 = top-left corner of the first pixel), the same
    /// convention as <see cref="RectF"/>.
    /// </summary>
    public FaceLandmarks Detect(RgbImage image, RectF faceRegion)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (!(faceRegion.Width >= 1 && faceRegion.Height >= 1) || !float.IsFinite(faceRegion.X) || !float.IsFinite(faceRegion.Y))
            throw new ArgumentOutOfRangeException(nameof(faceRegion), faceRegion, "The face region must be finite and at least 1x1 pixel.");

        var network = Network;
        int n = LandmarkNetwork.InputSize;
        Span<float> output = stackalloc float[LandmarkNetWeights.PointCount * 2];
        // 147 KB: pooled, or every call would be a large-object-heap allocation.
        var input = ArrayPool<float>.Shared.Rent(n * n * 3);
        try
        {
            var inputSpan = input.AsSpan(0, n * n * 3);
            LandmarkInputSampler.Fill(image, faceRegion, inputSpan);
            network.Run(inputSpan, output);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(input);
        }

        // The net answers in units of the padded square it saw; map back to source pixels.
        var square = LandmarkInputSampler.SquareAround(faceRegion);
        var points = new Vector2[LandmarkNetWeights.PointCount];
        for (int i = 0; i < points.Length; i++)
            points[i] = new Vector2(square.X + output[2 * i] * square.Width, square.Y + output[2 * i + 1] * square.Height);
        return new FaceLandmarks(points);
    }

    /// <summary>Landmarks for a face detector's box: <see cref="RegionFromDetectorBox"/>, then <see cref="Detect"/>.</summary>
    public FaceLandmarks DetectFromDetectorBox(RgbImage image, RectF detectorBox)
        => Detect(image, RegionFromDetectorBox(detectorBox));

    /// <summary>
    /// Beyond this roll (eye line, <see cref="RollOf"/>) the face is turned upright before the network sees it.
    /// The network was trained on upright faces: on the tilted group photo (eye line 42 degrees; mouth line 29
    /// degrees on the plain crop, 43 found upright) the image-right mouth corner came out a quarter of the mouth's
    /// width along the lips into the cheek, so the renderer opened the mouth and drew its teeth band past the real
    /// corner. The other photos of the quality set roll by at most 15 degrees (group-three-men): they keep the plain
    /// crop, bit for bit as before (whether 15-20 degrees would also gain was not looked at).
    /// </summary>
    public const float UprightAboveRollRadians = 20 * MathF.PI / 180;

    /// <summary>
    /// <see cref="DetectFromDetectorBox"/> for a face whose eyes lie along <paramref name="rollRadians"/> (image
    /// angle of the line from the image-left eye to the other, y down): when the roll is larger than
    /// <see cref="UprightAboveRollRadians"/>, the region is resampled turned upright (bilinear, black outside the
    /// photo, as the plain crop), the network runs on that, and its points are turned back into the photo.
    /// </summary>
    /// <param name="plain">The plain crop's landmarks if already found: returned as they are below the roll limit.</param>
    public FaceLandmarks DetectFromDetectorBox(RgbImage image, RectF detectorBox, float rollRadians, FaceLandmarks? plain = null)
    {
        if (!float.IsFinite(rollRadians) || MathF.Abs(rollRadians) <= UprightAboveRollRadians) return plain ?? DetectFromDetectorBox(image, detectorBox);
        int side = Math.Max(1, (int)MathF.Ceiling(LandmarkInputSampler.SquareAround(RegionFromDetectorBox(detectorBox)).Width));
        float cos = MathF.Cos(rollRadians), sin = MathF.Sin(rollRadians);
        // The region's downward shift (towards the chin) follows the face's own "down".
        float shift = DetectorBoxShiftDown * detectorBox.Height;
        var centre = detectorBox.Center + new Vector2(-sin * shift, cos * shift);
        float half = side / 2f;
        // Upright pixel (u, v), offset d from the upright square's centre, shows the photo at centre + R(roll) d.
        var upright = new RgbImage(side, side);
        var src = image.Pixels;
        for (int v = 0; v < side; v++)
            for (int u = 0; u < side; u++)
            {
                float dx = u + 0.5f - half, dy = v + 0.5f - half;
                float x = centre.X + cos * dx - sin * dy - 0.5f, y = centre.Y + sin * dx + cos * dy - 0.5f;
                int x0 = (int)MathF.Floor(x), y0 = (int)MathF.Floor(y);
                float fx = x - x0, fy = y - y0;
                int o = (v * side + u) * 3;
                for (int c = 0; c < 3; c++)
                {
                    float acc = 0;
                    for (int k = 0; k < 4; k++)
                    {
                        int xi = x0 + (k & 1), yi = y0 + (k >> 1);
                        if ((uint)xi >= (uint)image.Width || (uint)yi >= (uint)image.Height) continue;
                        float w = ((k & 1) == 1 ? fx : 1 - fx) * ((k >> 1) == 1 ? fy : 1 - fy);
                        acc += w * src[yi * image.Stride + xi * 3 + c];
                    }
                    upright.Pixels[o + c] = (byte)Math.Clamp(MathF.Round(acc), 0, 255);
                }
            }
        var found = Detect(upright, new RectF(0, 0, side, side)).Points;
        var points = new Vector2[found.Count];
        for (int i = 0; i < points.Length; i++)
        {
            float dx = found[i].X - half, dy = found[i].Y - half;
            points[i] = new Vector2(centre.X + cos * dx - sin * dy, centre.Y + sin * dx + cos * dy);
        }
        return new FaceLandmarks(points);
    }

    /// <summary>The roll of a face from its landmarks: the angle of the line from the image-left eye's centre (36-41) to the other's (42-47), 0 upright, y down.</summary>
    public static float RollOf(FaceLandmarks landmarks)
    {
        var p = landmarks.Points;
        if (p.Count < FaceLandmarks.Count) return 0;
        Vector2 left = Vector2.Zero, right = Vector2.Zero;
        for (int i = 0; i < 6; i++) { left += p[36 + i]; right += p[42 + i]; }
        var d = right - left;
        return d.LengthSquared() > 0 ? MathF.Atan2(d.Y, d.X) : 0;
    }

    /// <summary>
    /// How far the nose tip (30) sits from the middle of the face's outline (jaw points 0-2 and 14-16), along the eye
    /// line, as a share of the outline's half width: 0 for a face looking at the camera, positive when the nose points
    /// towards the image-right side (the face turned that way, its image-right half the far one), negative the other way.
    /// The nose stands in front of the face's outline, so it moves about as far as the sine of the turn.
    /// </summary>
    public static float NoseOffsetOf(FaceLandmarks landmarks)
    {
        var p = landmarks.Points;
        if (p.Count < FaceLandmarks.Count) return 0;
        float roll = RollOf(landmarks);
        var along = new Vector2(MathF.Cos(roll), MathF.Sin(roll));
        float left = Vector2.Dot((p[0] + p[1] + p[2]) / 3, along), right = Vector2.Dot((p[14] + p[15] + p[16]) / 3, along);
        float half = (right - left) / 2;
        return half > 0 ? (Vector2.Dot(p[30], along) - (left + half)) / half : 0;
    }

    /// <summary>
    /// Turns a tight detector box (BlazeFace-like: about brows to mouth, cheek to cheek) into the region
    /// this net expects (face-api's SSD/tiny-detector boxes: brows to chin). The result is a square of
    /// side <see cref="DetectorBoxGrowth"/> x the box's longer side, centred
    /// <see cref="DetectorBoxShiftDown"/> x the box height below the box centre, so it reaches the chin.
    /// Measured on the astronaut portrait (a box from the brows to the bottom of the lower lip, jaw
    /// point 1 to 15): this gives landmarks 0.4 px (mean) from those of a hand-drawn brows-to-chin box
    /// on a 100 px face; the net itself moves less than 1 px when that region is scaled 0.9x to 1.3x,
    /// so the exact factors are not critical. Re-check against real BlazeFace boxes when integrating.
    /// </summary>
    public static RectF RegionFromDetectorBox(RectF detectorBox)
    {
        var centre = detectorBox.Center + new Vector2(0, DetectorBoxShiftDown * detectorBox.Height);
        float side = DetectorBoxGrowth * MathF.Max(detectorBox.Width, detectorBox.Height);
        return RectF.FromCenter(centre, side, side);
    }

    /// <summary>Downward shift of the region centre, as a fraction of the detector box height.</summary>
    public const float DetectorBoxShiftDown = 0.1f;

    /// <summary>Side of the square region as a multiple of the detector box's longer side.</summary>
    public const float DetectorBoxGrowth = 1.2f;

    private LandmarkNetwork Network
    {
        get
        {
            if (_network is { } ready) return ready;
            lock (_loadGate)
            {
                return _network ??= _load();
            }
        }
    }

    private static LandmarkNetwork Load(string manifestPath, string weightsPath)
    {
        var map = TfjsWeightMap.Load(manifestPath, weightsPath);
        try
        {
            return new LandmarkNetwork(LandmarkNetWeights.From(map));
        }
        catch (Exception e) when (e is KeyNotFoundException or FormatException)
        {
            throw new SonicEngineException(EngineErrorCodes.ModelMissing,
                $"The face landmark model {Path.GetFileName(manifestPath)} does not have the expected layout: {e.Message}", e);
        }
    }
}
