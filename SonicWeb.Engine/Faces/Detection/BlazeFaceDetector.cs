using System.Numerics;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Models;
using SonicWeb.Engine.Onnx;

namespace SonicWeb.Engine.Faces.Detection;

/// <summary>
/// Finds faces with MediaPipe BlazeFace (front/short-range model, 128x128 input).
/// <para>
/// The front model only sees faces that fill roughly a sixth or more of its input. So the search runs
/// from coarse to fine: first the whole image letterboxed into the model's square; when no face of at
/// least <see cref="SmallFaceFraction"/> of that square turns up, overlapping square tiles of half and
/// then a quarter of the long side (a face of 10% of a 2000 px photo is found this way). Each scale is
/// downsampled once and tiles are cut from it, so extra tiles cost model runs, not image passes.
/// Searching stops at the first scale that finds a face big for it: a portrait app wants the main face,
/// not the crowd behind it.
/// </para>
/// Thread-safe; create once and reuse (the ONNX session is cached by the <see cref="OrtRuntime"/> anyway).
/// </summary>
public sealed class BlazeFaceDetector
{
    private const int Size = BlazeFaceDecoder.InputSize;
    private const int TileStride = Size / 2;

    /// <summary>A face at least this wide (fraction of the scale's square) ends the search.</summary>
    internal const float SmallFaceFraction = 0.15f;

    /// <summary>Tiles are never smaller than this many source pixels (smaller would mean enlarging).</summary>
    internal const int MinTileSide = 256;

    /// <summary>
    /// Tiles give the model dozens of extra looks, and with them extra chances for a false alarm (a
    /// patch of fabric scored 0.58-0.66 in tests while real faces score above 0.9), so a face found
    /// only in a tile must score at least this much.
    /// </summary>
    internal const float TileMinScore = 0.75f;

    private readonly OnnxSession _session;
    private readonly string _inputName;
    private readonly (string Scores, string Boxes)[] _headOutputs;

    public BlazeFaceDetector(OrtRuntime onnx, OnnxSessionOptions? options = null, Action<string>? warn = null)
        : this(onnx.GetSession(ModelStore.Default.GetPath("blazeface"), options, warn)) { }

    internal BlazeFaceDetector(OnnxSession session)
    {
        _session = session;
        _inputName = session.Inputs.Single().Name;
        // Output names differ between exports ("Identity:0", ...); their shapes do not.
        _headOutputs = Enumerable.Range(0, BlazeFaceDecoder.Heads.Length)
            .Select(head => (OutputWithShape(session, BlazeFaceDecoder.AnchorCount(head), 1),
                             OutputWithShape(session, BlazeFaceDecoder.AnchorCount(head), BlazeFaceDecoder.ValuesPerAnchor)))
            .ToArray();
    }

    /// <summary>
    /// Faces with a score of at least <paramref name="minScore"/>, in source pixels (boxes may reach
    /// past the image edges), largest first.
    /// </summary>
    public IReadOnlyList<FaceDetection> Detect(RgbImage image, float minScore = 0.6f)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(minScore, 0f);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(minScore, 1f);
        var input = new float[Size * Size * 3];
        int longSide = Math.Max(image.Width, image.Height);

        // Scale 1: the whole image, centred in a square (letterbox).
        var square = new RectF((image.Width - longSide) / 2f, (image.Height - longSide) / 2f, longSide, longSide);
        AreaSampler.Sample(image, square, Size, Size, input);
        var found = RunModel(input, minScore, new Vector2(square.X, square.Y), new Vector2(longSide));

        // Finer scales: tiles of half, then a quarter of the long side.
        int previousSide = longSide;
        foreach (int tile in new[] { longSide / 2, longSide / 4 })
        {
            if (tile < MinTileSide || HasBigFace(found, previousSide)) break;
            var all = new List<FaceDetection>(found);
            all.AddRange(DetectInTiles(image, tile, Math.Max(minScore, TileMinScore), input));
            found = WeightedNonMaxSuppression.Merge(all);
            previousSide = tile;
        }
        return found.OrderByDescending(d => d.Box.Area).ToList();
    }

    private static bool HasBigFace(List<FaceDetection> faces, float scaleSide)
        => faces.Any(f => f.Box.Width >= SmallFaceFraction * scaleSide);

    /// <summary>
    /// Downsamples the image once so that <paramref name="tileSide"/> source pixels become the model's
    /// 128, then runs the model on 128x128 windows every 64 pixels.
    /// </summary>
    private List<FaceDetection> DetectInTiles(RgbImage image, int tileSide, float minScore, float[] input)
    {
        float factor = (float)Size / tileSide;
        int levelWidth = Math.Max(1, (int)MathF.Round(image.Width * factor));
        int levelHeight = Math.Max(1, (int)MathF.Round(image.Height * factor));
        var level = new float[levelWidth * levelHeight * 3];
        AreaSampler.Sample(image, new RectF(0, 0, image.Width, image.Height), levelWidth, levelHeight, level);
        // Per-axis factors: rounding the level size may stretch it a hair differently in x and y.
        var toSource = new Vector2((float)image.Width / levelWidth, (float)image.Height / levelHeight);

        var found = new List<FaceDetection>();
        foreach (int y in TileStarts(levelHeight))
            foreach (int x in TileStarts(levelWidth))
            {
                CopyWindow(level, levelWidth, levelHeight, x, y, input);
                var window = new RectF(x * toSource.X, y * toSource.Y, Size * toSource.X, Size * toSource.Y);
                found.AddRange(RunModel(input, minScore, new Vector2(window.X, window.Y), Size * toSource)
                    .Where(d => !CutByWindowEdge(d.Box, window, image)));
            }
        return found;
    }

    /// <summary>One model run; detections mapped from the input square to source pixels and merged.</summary>
    private List<FaceDetection> RunModel(float[] input, float minScore, Vector2 origin, Vector2 scale)
    {
        var outputs = _session.Run((_inputName, OnnxTensor.FromFloats(input, 1, Size, Size, 3)));
        var raw = new List<NormalizedDetection>();
        for (int head = 0; head < _headOutputs.Length; head++)
            BlazeFaceDecoder.Decode(head, outputs[_headOutputs[head].Scores].Floats, outputs[_headOutputs[head].Boxes].Floats, minScore, raw);
        var inSource = raw.Select(d => new FaceDetection(
            RectF.FromCenter(origin + d.Center * scale, d.Size.X * scale.X, d.Size.Y * scale.Y),
            d.Score,
            d.Keypoints.Select(k => origin + k * scale).ToArray()));
        return WeightedNonMaxSuppression.Merge(inSource);
    }

    /// <summary>Window origins along one axis: every half window, the last flush with the far edge.</summary>
    internal static IEnumerable<int> TileStarts(int length)
    {
        if (length <= Size) { yield return (length - Size) / 2; yield break; }
        int count = (length - Size + TileStride - 1) / TileStride + 1;
        for (int i = 0; i < count; i++) yield return Math.Min(i * TileStride, length - Size);
    }

    /// <summary>Copies a 128x128 window of a downsampled level into the input, black (-1) outside.</summary>
    private static void CopyWindow(float[] level, int width, int height, int x0, int y0, float[] input)
    {
        Array.Fill(input, -1f);
        int xFrom = Math.Max(0, x0), xTo = Math.Min(width, x0 + Size);
        if (xTo <= xFrom) return;
        for (int y = Math.Max(0, y0); y < Math.Min(height, y0 + Size); y++)
            Array.Copy(level, (y * width + xFrom) * 3, input, ((y - y0) * Size + (xFrom - x0)) * 3, (xTo - xFrom) * 3);
    }

    /// <summary>
    /// True when the box runs over an edge of the window that lies inside the image: that face is cut
    /// off here and seen whole by a neighbouring window, so this partial view would only blur the merge.
    /// </summary>
    private static bool CutByWindowEdge(RectF box, RectF window, RgbImage image)
        => (box.X < window.X && window.X > 0)
        || (box.Y < window.Y && window.Y > 0)
        || (box.Right > window.Right && window.Right < image.Width)
        || (box.Bottom > window.Bottom && window.Bottom < image.Height);

    private static string OutputWithShape(OnnxSession session, int anchors, int values)
        => session.Outputs.Single(o => o.Shape.SequenceEqual([1L, anchors, values])).Name;
}
