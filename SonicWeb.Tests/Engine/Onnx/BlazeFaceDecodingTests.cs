using System.Numerics;
using SonicWeb.Engine.Faces;
using SonicWeb.Engine.Faces.Detection;
using SonicWeb.Engine.Imaging;

namespace SonicWeb.Tests.Engine.Onnx;

public class BlazeFaceDecodingTests
{
    [Fact]
    public void An_anchor_with_zero_offsets_decodes_to_its_cell_centre()
    {
        // Head 1 is the 8x8 grid with 6 anchors per cell; anchor 3 of cell (x 5, y 2).
        int index = (2 * 8 + 5) * 6 + 3;
        var scores = Enumerable.Repeat(-10f, BlazeFaceDecoder.AnchorCount(1)).ToArray();
        var boxes = new float[BlazeFaceDecoder.AnchorCount(1) * 16];
        scores[index] = 2f;
        boxes[index * 16 + 2] = 32f; // width 32 px of 128
        boxes[index * 16 + 3] = 64f; // height
        boxes[index * 16 + 4] = 12.8f; // first keypoint x: +0.1

        var found = new List<NormalizedDetection>();
        BlazeFaceDecoder.Decode(1, scores, boxes, 0.6f, found);

        var d = Assert.Single(found);
        Assert.Equal(new Vector2(5.5f / 8, 2.5f / 8), d.Center);
        Assert.Equal(new Vector2(0.25f, 0.5f), d.Size);
        Assert.Equal(1 / (1 + MathF.Exp(-2f)), d.Score, 5);
        Assert.Equal(5.5f / 8 + 0.1f, d.Keypoints[0].X, 5);
        Assert.Equal(2.5f / 8, d.Keypoints[1].Y, 5);
    }

    [Fact]
    public void Scores_below_the_threshold_are_dropped()
    {
        var scores = new float[BlazeFaceDecoder.AnchorCount(0)]; // logit 0 = probability 0.5
        var found = new List<NormalizedDetection>();
        BlazeFaceDecoder.Decode(0, scores, new float[scores.Length * 16], 0.6f, found);
        Assert.Empty(found);
        BlazeFaceDecoder.Decode(0, scores, new float[scores.Length * 16], 0.4f, found);
        Assert.Equal(512, found.Count);
    }

    [Fact]
    public void Weighted_nms_averages_overlapping_boxes_by_score_and_keeps_separate_ones()
    {
        Vector2[] Kp(float x) => Enumerable.Repeat(new Vector2(x, 0), 6).ToArray();
        var a = new FaceDetection(new RectF(0, 0, 100, 100), 0.9f, Kp(10));
        var b = new FaceDetection(new RectF(10, 0, 100, 100), 0.3f, Kp(20)); // IoU 0.82 with a
        var far = new FaceDetection(new RectF(500, 500, 50, 50), 0.7f, Kp(0));

        var merged = WeightedNonMaxSuppression.Merge([b, far, a]);

        Assert.Equal(2, merged.Count);
        Assert.Equal(0.9f, merged[0].Score);
        Assert.Equal(2.5f, merged[0].Box.X, 4); // (0 * 0.9 + 10 * 0.3) / 1.2
        Assert.Equal(12.5f, merged[0].Keypoints[0].X, 4);
        Assert.Equal(far.Box, merged[1].Box);
    }

    [Fact]
    public void Area_sampler_averages_blocks_and_pads_with_black()
    {
        // 4x2 image: left 2x2 block white, right block black; sample the 4x4 square centred on it to 2x2.
        var image = new RgbImage(4, 2);
        for (int y = 0; y < 2; y++)
            for (int x = 0; x < 2; x++)
                image.Pixels.AsSpan((y * 4 + x) * 3, 3).Fill(255);
        var output = new float[2 * 2 * 3];
        AreaSampler.Sample(image, new RectF(0, -1, 4, 4), 2, 2, output);
        // Top-left output covers x 0..2, y -1..1: half padding (black), half white -> 127.5 -> 0.
        Assert.Equal(0f, output[0], 4);
        // Top-right covers black pixels and padding -> -1.
        Assert.Equal(-1f, output[3], 4);
    }
}
