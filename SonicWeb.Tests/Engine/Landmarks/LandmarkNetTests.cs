using System.Diagnostics;
using System.Numerics;
using System.Reflection;
using SonicWeb.Engine.Faces;
using SonicWeb.Engine.Faces.Landmarks;
using SonicWeb.Engine.Imaging;
using SonicWeb.Tests.TestSupport;
using Xunit.Abstractions;

namespace SonicWeb.Tests.Engine.Landmarks;

public class LandmarkNetTests(ITestOutputHelper output)
{
    // The astronaut's face, found by eye on the 512x512 image (zoomed crop with a 20 px grid): eyes at
    // about (204,101) and (246,103), nose tip (224,125), mouth (225,145), chin (225,183), cheeks at
    // x 179 and 271, brows at y 91. The box spans cheek to cheek and brows to chin, like face-api's
    // own detector boxes.
    private static readonly RectF AstronautFace = new(175, 85, 100, 100);

    private static readonly Lazy<RgbImage> Astronaut = new(() => TestMedia.LoadRgb(TestMedia.AstronautPng));

    [Fact]
    public void Astronaut_landmarks_are_anatomically_ordered_and_inside_the_face()
    {
        var points = FaceLandmarkNet68.Default.Detect(Astronaut.Value, AstronautFace).Points;
        SaveDrawing(points, "landmarks-astronaut.png");
        output.WriteLine(string.Join(" ", points.Select((p, i) => $"{i}:({p.X:F0},{p.Y:F0})")));

        Assert.Equal(68, points.Count);
        for (int i = 1; i <= 16; i++)
            Assert.True(points[i].X > points[i - 1].X, $"jaw point {i} ({points[i].X:F1}) is not right of {i - 1} ({points[i - 1].X:F1})");
        // The chin (8) is the lowest jaw point region, below the mouth.
        var mouthCentre = Mean(points, 48, 67);
        var leftEye = Mean(points, 36, 41);
        var rightEye = Mean(points, 42, 47);
        var noseTip = points[30];
        Assert.True(leftEye.X < rightEye.X, "left eye (image left) is not left of the right eye");
        Assert.True(Math.Max(leftEye.Y, rightEye.Y) < noseTip.Y, "eyes are not above the nose tip");
        for (int i = 48; i <= 67; i++)
            Assert.True(points[i].Y > noseTip.Y, $"mouth point {i} is not below the nose tip");
        Assert.True(mouthCentre.Y > noseTip.Y && MathF.Abs(mouthCentre.X - noseTip.X) < 10, "mouth centre is not below the nose");
        Assert.True(points[8].Y > mouthCentre.Y, "chin is not below the mouth");
        for (int i = 17; i <= 26; i++)
            Assert.True(points[i].Y < Math.Min(leftEye.Y, rightEye.Y), $"brow point {i} is not above the eyes");

        var expanded = RectF.FromCenter(AstronautFace.Center, AstronautFace.Width * 1.2f, AstronautFace.Height * 1.2f);
        Assert.All(points, p => Assert.True(p.X >= expanded.X && p.X <= expanded.Right && p.Y >= expanded.Y && p.Y <= expanded.Bottom, $"{p} is outside {expanded}"));

        // Where a person sees them (hand-measured on the image, tolerance ~6% of the face size).
        AssertNear(new Vector2(204, 101), leftEye, 6);
        AssertNear(new Vector2(246, 103), rightEye, 6);
        AssertNear(new Vector2(224, 125), noseTip, 6);
        AssertNear(new Vector2(225, 145), mouthCentre, 6);
    }

    [Fact]
    public void Shifting_the_box_by_a_few_pixels_moves_the_points_little()
    {
        var net = FaceLandmarkNet68.Default;
        var reference = net.Detect(Astronaut.Value, AstronautFace).Points;
        float faceSize = AstronautFace.Width;
        foreach (var (dx, dy) in new[] { (4f, 0f), (-4f, 0f), (0f, 4f), (0f, -4f), (3f, -3f) })
        {
            var shifted = AstronautFace with { X = AstronautFace.X + dx, Y = AstronautFace.Y + dy };
            var points = net.Detect(Astronaut.Value, shifted).Points;
            float worstMean = Enumerable.Range(0, 68).Average(i => Vector2.Distance(points[i], reference[i]));
            output.WriteLine($"shift ({dx},{dy}): mean point movement {worstMean:F2} px");
            Assert.True(worstMean < 0.03f * faceSize, $"shift ({dx},{dy}) moved points by {worstMean:F1} px on average");
        }
    }

    [Fact]
    public void A_region_past_the_image_edge_is_padded_not_rejected()
    {
        // The same face, in a copy of the image cropped so the face box sticks out past the top-left.
        var source = Astronaut.Value;
        int cropX = 195, cropY = 95;
        var cropped = new RgbImage(source.Width - cropX, source.Height - cropY);
        for (int y = 0; y < cropped.Height; y++)
            source.Row(y + cropY).Slice(cropX * 3, cropped.Stride).CopyTo(cropped.Row(y));
        var box = AstronautFace with { X = AstronautFace.X - cropX, Y = AstronautFace.Y - cropY };

        var points = FaceLandmarkNet68.Default.Detect(cropped, box).Points;

        Assert.Equal(68, points.Count);
        Assert.All(points, p => Assert.True(float.IsFinite(p.X) && float.IsFinite(p.Y)));
        // The visible right eye is still found where it is.
        AssertNear(new Vector2(246 - cropX, 103 - cropY), Mean(points, 42, 47), 10);
    }

    [Fact]
    public void A_large_face_gives_the_same_points_scaled()
    {
        // 3x upscale: the 300 px face square is shrunk to 112 with 3x3 supersampling instead of plain bilinear.
        var large = TestMedia.LoadRgb(TestMedia.Convert(TestMedia.AstronautPng, "astronaut-3x.png", "-vf", "scale=1536:1536:flags=bicubic"));
        var net = FaceLandmarkNet68.Default;
        var reference = net.Detect(Astronaut.Value, AstronautFace).Points;

        var points = net.Detect(large, new RectF(AstronautFace.X * 3, AstronautFace.Y * 3, AstronautFace.Width * 3, AstronautFace.Height * 3)).Points;

        float mean = Enumerable.Range(0, 68).Average(i => Vector2.Distance(points[i] / 3, reference[i]));
        output.WriteLine($"3x face, points / 3 vs 1x: mean {mean:F2} px");
        Assert.True(mean < 0.02f * AstronautFace.Width, $"the 3x face's points differ by {mean:F1} px (1x scale) on average");
    }

    [Fact]
    public void A_detector_box_from_brows_to_mouth_expands_to_a_region_giving_the_same_landmarks()
    {
        var net = FaceLandmarkNet68.Default;
        var reference = net.Detect(Astronaut.Value, AstronautFace).Points;
        // A tight BlazeFace-like box derived from the reference points: cheek to cheek (jaw 1..15),
        // brows (17..26) to the bottom of the lower lip (57).
        float top = Enumerable.Range(17, 10).Min(i => reference[i].Y);
        var detectorBox = new RectF(reference[1].X, top, reference[15].X - reference[1].X, reference[57].Y - top);
        output.WriteLine($"detector-like box {detectorBox} -> region {FaceLandmarkNet68.RegionFromDetectorBox(detectorBox)}");

        var region = FaceLandmarkNet68.RegionFromDetectorBox(detectorBox);
        var points = net.DetectFromDetectorBox(Astronaut.Value, detectorBox).Points;

        Assert.Equal(region.Width, region.Height, 3);
        Assert.True(region.Bottom > reference[8].Y, "the expanded region does not reach the chin");

        float mean = Enumerable.Range(0, 68).Average(i => Vector2.Distance(points[i], reference[i]));
        output.WriteLine($"mean difference to the hand box: {mean:F2} px");
        Assert.True(mean < 0.03f * AstronautFace.Width, $"landmarks from the expanded detector box differ by {mean:F1} px on average");
    }

    [Fact]
    public void Concurrent_detects_agree_with_a_single_one()
    {
        var net = FaceLandmarkNet68.Default;
        var reference = net.Detect(Astronaut.Value, AstronautFace).Points;
        var results = new FaceLandmarks[8];
        Parallel.For(0, results.Length, i => results[i] = net.Detect(Astronaut.Value, AstronautFace));
        Assert.All(results, r => Assert.Equal(reference, r.Points));
    }

    private static Vector2 Mean(IReadOnlyList<Vector2> points, int first, int last)
    {
        var sum = Vector2.Zero;
        for (int i = first; i <= last; i++) sum += points[i];
        return sum / (last - first + 1);
    }

    private static void AssertNear(Vector2 expected, Vector2 actual, float tolerance)
        => Assert.True(Vector2.Distance(expected, actual) <= tolerance, $"expected near {expected}, got {actual}");

    private static void SaveDrawing(IReadOnlyList<Vector2> points, string name)
    {
        var source = Astronaut.Value;
        var canvas = new RgbImage(source.Width, source.Height, (byte[])source.Pixels.Clone());
        DrawRect(canvas, AstronautFace, (255, 255, 0));
        for (int i = 0; i < points.Count; i++)
        {
            var colour = i switch
            {
                <= 16 => ((byte)255, (byte)255, (byte)255), // jaw
                <= 26 => ((byte)255, (byte)128, (byte)0), // brows
                <= 35 => ((byte)0, (byte)255, (byte)0), // nose
                <= 47 => ((byte)0, (byte)160, (byte)255), // eyes
                _ => ((byte)255, (byte)0, (byte)255), // lips
            };
            FillSquare(canvas, (int)MathF.Floor(points[i].X), (int)MathF.Floor(points[i].Y), 1, colour);
        }
        TestMedia.SavePng(canvas, Path.Combine(TestMedia.ArtifactsDir, name));
    }

    private static void DrawRect(RgbImage image, RectF r, (byte R, byte G, byte B) c)
    {
        for (int x = (int)r.X; x <= (int)r.Right; x++) { Set(image, x, (int)r.Y, c); Set(image, x, (int)r.Bottom, c); }
        for (int y = (int)r.Y; y <= (int)r.Bottom; y++) { Set(image, (int)r.X, y, c); Set(image, (int)r.Right, y, c); }
    }

    private static void FillSquare(RgbImage image, int cx, int cy, int radius, (byte R, byte G, byte B) c)
    {
        for (int y = cy - radius; y <= cy + radius; y++)
            for (int x = cx - radius; x <= cx + radius; x++)
                Set(image, x, y, c);
    }

    private static void Set(RgbImage image, int x, int y, (byte R, byte G, byte B) c)
    {
        if ((uint)x >= (uint)image.Width || (uint)y >= (uint)image.Height) return;
        int i = y * image.Stride + x * 3;
        image.Pixels[i] = c.R; image.Pixels[i + 1] = c.G; image.Pixels[i + 2] = c.B;
    }
}
