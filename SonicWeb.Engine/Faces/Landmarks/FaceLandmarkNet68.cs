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
