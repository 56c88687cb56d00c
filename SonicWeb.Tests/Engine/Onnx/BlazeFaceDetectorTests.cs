using System.Diagnostics;
using System.Numerics;
using SonicWeb.Engine.Faces;
using SonicWeb.Engine.Faces.Detection;
using SonicWeb.Engine.Imaging;
using SonicWeb.Tests.TestSupport;
using Xunit.Abstractions;

namespace SonicWeb.Tests.Engine.Onnx;

public class BlazeFaceDetectorTests(ITestOutputHelper output)
{
    private static readonly BlazeFaceDetector Detector = new(TestOnnx.Runtime);

    [Fact]
    public void Finds_the_one_face_in_the_astronaut_portrait_with_plausible_keypoints()
    {
        var image = TestMedia.LoadRgb(TestMedia.AstronautPng);
        var faces = Detector.Detect(image);
        Save(image, faces, "blazeface-astronaut.png");

        // Looking at the 512x512 picture: the face spans about x 175..275, y 65..185 (hair to chin), eyes
        // near y 105, mouth near y 145; the face box is centred near (225, 125), ~100 px wide.
        var face = Assert.Single(faces);
        output.WriteLine($"{face.Box} score {face.Score:F3}; keypoints {string.Join(" ", face.Keypoints)}");
        Assert.True(face.Score > 0.8f, $"score {face.Score}");
        Assert.InRange(face.Box.Center.X, 195f, 255f);
        Assert.InRange(face.Box.Center.Y, 95f, 155f);
        Assert.InRange(face.Box.Width, 70f, 150f);

        Assert.Equal(6, face.Keypoints.Count);
        Vector2 rightEye = face.Keypoints[0], leftEye = face.Keypoints[1], nose = face.Keypoints[2], mouth = face.Keypoints[3];
        Assert.True(rightEye.X < leftEye.X, "the subject's right eye is on the image's left");
        Assert.True(MathF.Max(rightEye.Y, leftEye.Y) < nose.Y, "eyes above the nose tip");
        Assert.True(nose.Y < mouth.Y, "nose tip above the mouth");
        Assert.InRange(mouth.X, rightEye.X, leftEye.X);
        Assert.All(face.Keypoints.Take(4), k => Assert.True(Inside(face.Box, k), $"{k} inside the face box"));
    }

    [Theory]
    // Astronaut scaled to `size` px and placed at (x, y) in a 2000x1500 grey canvas. At 1000 px the
    // face is ~190 px wide (~10% of the width); at 500 px it is ~95 px (~5%), found only by the tiles.
    [InlineData(1000, 700, 300)]
    [InlineData(1000, 0, 500)]
    [InlineData(500, 1350, 850)]
    public void Finds_a_small_face_in_a_large_photo_at_the_right_place(int size, int x, int y)
    {
        var reference = Assert.Single(Detector.Detect(TestMedia.LoadRgb(TestMedia.AstronautPng)));
        float scale = size / 512f;
        var expectedCentre = new Vector2(x, y) + reference.Box.Center * scale;
        float expectedWidth = reference.Box.Width * scale;

        var path = TestMedia.Convert(TestMedia.AstronautPng, $"astronaut-{size}-at-{x}-{y}.png",
            "-vf", $"scale={size}:{size}:flags=area,pad=2000:1500:{x}:{y}:color=0x707070");
        var image = TestMedia.LoadRgb(path);
        var stopwatch = Stopwatch.StartNew();
        var faces = Detector.Detect(image);
        output.WriteLine($"Detect on 2000x1500: {stopwatch.Elapsed.TotalMilliseconds:F0} ms");
        Save(image, faces, $"blazeface-canvas-{size}-{x}-{y}.png");

        var face = Assert.Single(faces);
        output.WriteLine($"expected centre {expectedCentre}, width {expectedWidth:F0}; got {face.Box} score {face.Score:F3}");
        Assert.True(Vector2.Distance(face.Box.Center, expectedCentre) < 0.15f * expectedWidth,
            $"centre {face.Box.Center}, expected {expectedCentre}");
        Assert.InRange(face.Box.Width, 0.8f * expectedWidth, 1.25f * expectedWidth);
    }

    [Theory]
    [InlineData("testsrc2", "testsrc2=size=1280x720", "")]
    [InlineData("noise", "color=c=gray:size=1024x768", "noise=alls=100:allf=u")]
    [InlineData("gradient", "gradients=size=800x600:seed=7", "")]
    public void Finds_no_face_in_pictures_without_one(string name, string source, string filter)
    {
        var path = Path.Combine(TestMedia.WorkDir, $"no-face-{name}.png");
        var args = new List<string> { "-v", "error", "-y", "-f", "lavfi", "-i", source };
        if (filter.Length > 0) args.AddRange(["-vf", filter]);
        args.AddRange(["-frames:v", "1", path]);
        TestMedia.Run("ffmpeg", args.ToArray());

        var faces = Detector.Detect(TestMedia.LoadRgb(path));
        foreach (var f in faces) output.WriteLine($"{f.Box} {f.Score:F3}");
        Assert.Empty(faces);
    }

    [Fact]
    public void Letterboxing_a_wide_image_keeps_coordinates_in_source_pixels()
    {
        // 512x512 astronaut padded to 1100x600 at (450, 60): the face moves by exactly that offset.
        var reference = Assert.Single(Detector.Detect(TestMedia.LoadRgb(TestMedia.AstronautPng)));
        var path = TestMedia.Convert(TestMedia.AstronautPng, "astronaut-wide.png", "-vf", "pad=1100:600:450:60:color=white");
        var face = Assert.Single(Detector.Detect(TestMedia.LoadRgb(path)));
        var expected = reference.Box.Center + new Vector2(450, 60);
        output.WriteLine($"expected {expected}, got {face.Box.Center}");
        Assert.True(Vector2.Distance(face.Box.Center, expected) < 8f);
        Assert.InRange(face.Box.Width, reference.Box.Width * 0.85f, reference.Box.Width * 1.15f);
    }

    [Fact]
    public void Timing_per_call()
    {
        var portrait = TestMedia.LoadRgb(TestMedia.AstronautPng);
        var large = TestMedia.LoadRgb(TestMedia.Convert(TestMedia.AstronautPng, "astronaut-1000-at-700-300.png",
            "-vf", "scale=1000:1000:flags=area,pad=2000:1500:700:300:color=0x707070"));
        var tiny = TestMedia.LoadRgb(TestMedia.Convert(TestMedia.AstronautPng, "astronaut-500-at-1350-850.png",
            "-vf", "scale=500:500:flags=area,pad=2000:1500:1350:850:color=0x707070"));
        foreach (var (name, image, runs) in new[] { ("512x512 portrait", portrait, 30), ("2000x1500, 10% face", large, 5), ("2000x1500, 5% face (tiles)", tiny, 5) })
        {
            Assert.Single(Detector.Detect(image));
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var stopwatch = Stopwatch.StartNew();
            for (int i = 0; i < runs; i++) Detector.Detect(image);
            double wall = stopwatch.Elapsed.TotalMilliseconds / runs;
            double cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / runs;
            output.WriteLine($"BlazeFace Detect, {name}: {wall:F1} ms wall, {cpuMs:F1} ms CPU per call (load {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");
        }
    }

    [Fact]
    public void Concurrent_calls_give_the_same_result_as_one_call()
    {
        var image = TestMedia.LoadRgb(TestMedia.AstronautPng);
        var expected = Assert.Single(Detector.Detect(image));
        var results = new FaceDetection[16];
        Parallel.For(0, results.Length, i => results[i] = Assert.Single(Detector.Detect(image)));
        Assert.All(results, r => Assert.Equal(expected.Box, r.Box));
    }

    private static bool Inside(RectF box, Vector2 p) => p.X >= box.X && p.X <= box.Right && p.Y >= box.Y && p.Y <= box.Bottom;

    /// <summary>Draws boxes and keypoints on a copy and writes it to test-artifacts for a person to check.</summary>
    private static void Save(RgbImage image, IReadOnlyList<FaceDetection> faces, string name)
    {
        var copy = new RgbImage(image.Width, image.Height, (byte[])image.Pixels.Clone());
        int thickness = Math.Max(2, image.Width / 400);
        foreach (var face in faces)
        {
            var b = face.Box;
            Fill(copy, b.X, b.Y, b.Width, thickness);
            Fill(copy, b.X, b.Bottom - thickness, b.Width, thickness);
            Fill(copy, b.X, b.Y, thickness, b.Height);
            Fill(copy, b.Right - thickness, b.Y, thickness, b.Height);
            foreach (var k in face.Keypoints) Fill(copy, k.X - thickness, k.Y - thickness, 2 * thickness, 2 * thickness);
        }
        TestMedia.SavePng(copy, Path.Combine(TestMedia.ArtifactsDir, name));
    }

    private static void Fill(RgbImage image, float x, float y, float w, float h)
    {
        for (int yy = Math.Max(0, (int)y); yy < Math.Min(image.Height, (int)(y + h)); yy++)
            for (int xx = Math.Max(0, (int)x); xx < Math.Min(image.Width, (int)(x + w)); xx++)
            {
                int i = (yy * image.Width + xx) * 3;
                image.Pixels[i] = 0; image.Pixels[i + 1] = 255; image.Pixels[i + 2] = 0;
            }
    }
}
