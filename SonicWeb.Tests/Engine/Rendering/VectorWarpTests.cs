using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using SonicWeb.Engine.Animation;
using SonicWeb.Engine.Faces;
using SonicWeb.Engine.Rendering;
using static SonicWeb.Tests.Engine.Rendering.RenderTestSupport;

namespace SonicWeb.Tests.Engine.Rendering;

/// <summary>
/// The AVX2 mouth warp (eight pixels at once) must move every source position exactly as the scalar warp, and
/// leave to the scalar path every pixel where the mouth interior shows; whole frames must come out byte for byte
/// the same either way.
/// </summary>
public class VectorWarpTests
{
    public static TheoryData<float, float, float, float> MouthPoses => new()
    {
        // open, width, press, closure
        { 0, 0, 0, 0 },
        { 0.6f, 0, 0, 0 },
        { 1.2f, 0.5f, 0, 0 },       // wide open, spread
        { 0.4f, -0.8f, 0, 0 },      // rounded (pucker)
        { 0, 0.2f, 1, 0 },          // pressed lips
        { 0.3f, -0.3f, 0.5f, 1 },   // closing parted lips
        { 0.1f, 0.1f, 0, 0.4f },
    };

    [Theory]
    [MemberData(nameof(MouthPoses))]
    public void Warp8_moves_positions_exactly_as_the_scalar_warp(float open, float width, float press, float closure)
    {
        Assert.True(Avx2.IsSupported, "this machine has AVX2; without it only the scalar path runs");
        // The astronaut's lips are parted (the closure path runs); a variant with the lower inner lip on the upper one is not.
        var pts = AstronautLandmarks.Points.Points;
        var closed = new FaceLandmarks(pts.Select((p, i) => i switch { 65 => pts[63], 66 => pts[62], 67 => pts[61], _ => p }).ToArray());
        foreach (var (landmarks, lipsParted) in new[] { (AstronautLandmarks.Points, true), (closed, false) })
        {
            var mouth = new MouthWarp(landmarks);
            Assert.Equal(lipsParted, mouth.PhotoLipsParted);
            var pose = mouth.ForFrame(open, width, 0.23f, press, closure);
            var bounds = mouth.SourceBounds;
            int checkedLanes = 0, interiorLanes = 0;
            // A grid finer than a source pixel over the warp's bounds and a margin around them.
            for (float y = bounds.Y - 4; y < bounds.Bottom + 4; y += 0.37f)
                for (float x0 = bounds.X - 4; x0 < bounds.Right + 4; x0 += 8 * 0.29f)
                {
                    var xs = new float[8]; var ys = new float[8];
                    for (int k = 0; k < 8; k++) { xs[k] = x0 + 0.29f * k; ys[k] = y + 0.013f * k; }
                    var x8 = Vector256.Create(xs); var y8 = Vector256.Create(ys);
                    var interior = mouth.Warp8(pose, ref x8, ref y8);
                    for (int k = 0; k < 8; k++)
                    {
                        float x = xs[k], yk = ys[k];
                        float alpha = mouth.Warp(pose, ref x, ref yk, out _, out _, out _);
                        bool flagged = interior.AsInt32().GetElement(k) != 0;
                        if (flagged) { interiorLanes++; continue; }   // redone by the scalar warp
                        Assert.True(alpha == 0, $"interior at ({xs[k]}, {ys[k]}) not flagged for the scalar path");
                        Assert.Equal(x, x8.GetElement(k));
                        Assert.Equal(yk, y8.GetElement(k));
                        checkedLanes++;
                    }
                }
            Assert.True(checkedLanes > 10_000);
            if (open > 0.3f) Assert.True(interiorLanes > 0, "an open mouth has an interior");
        }
    }

    [Theory]
    [InlineData(512)]
    [InlineData(1000)]   // the mouth box's width is no multiple of eight: scalar tails
    public void Frames_with_vector_warps_match_the_scalar_path_byte_for_byte(int resolution)
    {
        var renderer = Renderer(resolution);
        var poses = new[]
        {
            new FacePose(0.6f, -0.2f, 0.4f, 0.05f, -0.03f, 0.02f, 0.01f, -0.01f),
            new FacePose(1.1f, 0.4f, 0, -0.1f, 0.05f, -0.04f, -0.02f, 0.02f),
            new FacePose(0.8f, 0, 1, 0.2f, 0.15f, 0.2f, 0.3f, 0.3f),       // blinking: the eyes box meets the mouth box
            new FacePose(0.2f, -0.7f, 0, 0, 0, 0, 0, 0, MouthPress: 0.3f, LipClosure: 1),
        };
        foreach (var pose in poses)
        {
            renderer.VectorWarps = true;
            var vector = Render(renderer, pose);
            renderer.VectorWarps = false;
            var scalar = Render(renderer, pose);
            Assert.Equal(scalar.Pixels, vector.Pixels);
        }
    }
}
