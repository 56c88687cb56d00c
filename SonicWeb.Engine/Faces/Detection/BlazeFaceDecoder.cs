using System.Numerics;

namespace SonicWeb.Engine.Faces.Detection;

/// <summary>A raw detection in the model's input square: coordinates in [0, 1], x right, y down.</summary>
internal sealed record NormalizedDetection(Vector2 Center, Vector2 Size, Vector2[] Keypoints, float Score);

/// <summary>
/// Turns BlazeFace (front, 128x128) outputs into scored boxes. The model predicts, for every anchor,
/// a score logit and 16 offsets: box centre x, y, width, height, then 6 keypoints (x, y), all in input
/// pixels relative to the anchor centre. Anchors: a 16x16 grid with 2 anchors per cell (stride 8),
/// then an 8x8 grid with 6 per cell (stride 16); anchor centre = (cell + 0.5) / cells.
/// </summary>
internal static class BlazeFaceDecoder
{
    public const int InputSize = 128;
    public const int ValuesPerAnchor = 16;
    public const int KeypointCount = 6;

    /// <summary>(cells per row, anchors per cell) for the two output heads, in output order.</summary>
    public static readonly (int Cells, int AnchorsPerCell)[] Heads = [(16, 2), (8, 6)];

    public static int AnchorCount(int head) => Heads[head].Cells * Heads[head].Cells * Heads[head].AnchorsPerCell;

    /// <summary>Appends every anchor of one head whose score reaches <paramref name="minScore"/>.</summary>
    public static void Decode(int head, ReadOnlySpan<float> scores, ReadOnlySpan<float> boxes, float minScore, List<NormalizedDetection> into)
    {
        var (cells, perCell) = Heads[head];
        if (scores.Length != AnchorCount(head) || boxes.Length != AnchorCount(head) * ValuesPerAnchor)
            throw new ArgumentException($"Head {head} expects {AnchorCount(head)} scores and {AnchorCount(head) * ValuesPerAnchor} box values, got {scores.Length} and {boxes.Length}.");
        // Compare logits rather than calling exp for all 896 anchors: sigmoid(x) >= p  <=>  x >= logit(p).
        float minLogit = MathF.Log(minScore / (1 - minScore));
        const float scale = 1f / InputSize;
        for (int i = 0; i < scores.Length; i++)
        {
            if (scores[i] < minLogit) continue;
            int cell = i / perCell;
            var anchor = new Vector2((cell % cells + 0.5f) / cells, (cell / cells + 0.5f) / cells);
            var v = boxes.Slice(i * ValuesPerAnchor, ValuesPerAnchor);
            var keypoints = new Vector2[KeypointCount];
            for (int k = 0; k < KeypointCount; k++)
                keypoints[k] = anchor + new Vector2(v[4 + 2 * k], v[5 + 2 * k]) * scale;
            into.Add(new NormalizedDetection(
                anchor + new Vector2(v[0], v[1]) * scale,
                new Vector2(v[2], v[3]) * scale,
                keypoints,
                Sigmoid(scores[i])));
        }
    }

    private static float Sigmoid(float logit) => 1f / (1f + MathF.Exp(-Math.Clamp(logit, -100f, 100f)));
}
