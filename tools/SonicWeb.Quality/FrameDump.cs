using SonicWeb.Engine.Animation;
using SonicWeb.Engine.Faces;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Rendering;

namespace SonicWeb.Quality;

/// <summary>
/// Proof that a renderer change leaves the picture alone: <c>--dump-frames DIR</c> writes the raw RGB
/// frames of a fixed pose set (the key poses plus the profile's talking clip) at 256, 512 and 1024;
/// run it on the old build, then <c>--compare-frames DIR</c> on the new one prints, per resolution,
/// the largest and the mean per-channel difference and how many pixels differ at all / by more than 2.
/// </summary>
internal static class FrameDump
{
    public static readonly int[] Resolutions = [256, 512, 1024];

    /// <summary>The first eight key poses (a fixed set, so dumps of older builds stay comparable) and every 4th talking frame.</summary>
    public static IEnumerable<FacePose> Poses()
        => PoseCloseUps.Poses.Take(8).Select(p => p.Pose).Concat(RenderProfile.TalkingPoses(200).Where((_, i) => i % 4 == 0));

    public static void Dump(RgbImage photo, FaceLandmarks landmarks, FrameLayout layout, string dir)
    {
        Directory.CreateDirectory(dir);
        var renderer = new FaceRenderer(photo, landmarks, layout);
        var frame = new byte[renderer.FrameBytes];
        using var file = File.Create(FileName(dir, layout));
        foreach (var pose in Poses())
        {
            renderer.Render(pose, frame);
            file.Write(frame);
        }
    }

    public static string Compare(RgbImage photo, FaceLandmarks landmarks, FrameLayout layout, string dir)
    {
        var renderer = new FaceRenderer(photo, landmarks, layout);
        var frame = new byte[renderer.FrameBytes];
        var old = new byte[renderer.FrameBytes];
        using var file = File.OpenRead(FileName(dir, layout));
        int frames = 0, maxDiff = 0, worstFrame = -1, worstX = -1, worstY = -1;
        long sum = 0, channels = 0, pixelsChanged = 0, pixelsOver2 = 0;
        foreach (var pose in Poses())
        {
            renderer.Render(pose, frame);
            file.ReadExactly(old);
            for (int i = 0; i < frame.Length; i += 3)
            {
                int d = Math.Max(Math.Abs(frame[i] - old[i]), Math.Max(Math.Abs(frame[i + 1] - old[i + 1]), Math.Abs(frame[i + 2] - old[i + 2])));
                sum += Math.Abs(frame[i] - old[i]) + Math.Abs(frame[i + 1] - old[i + 1]) + Math.Abs(frame[i + 2] - old[i + 2]);
                if (d > 0) pixelsChanged++;
                if (d > 2) pixelsOver2++;
                if (d > maxDiff) { maxDiff = d; worstFrame = frames; worstX = i / 3 % layout.Width; worstY = i / 3 / layout.Width; }
            }
            channels += frame.Length;
            frames++;
        }
        long pixels = channels / 3;
        return $"{layout.Width}x{layout.Height}, {frames} frames: max diff {maxDiff} levels (frame {worstFrame}, pixel {worstX},{worstY}), mean {(double)sum / channels:0.0000} levels/channel, " +
               $"pixels changed {100.0 * pixelsChanged / pixels:0.000}%, by more than 2 levels {100.0 * pixelsOver2 / pixels:0.0000}%";
    }

    private static string FileName(string dir, FrameLayout layout) => Path.Combine(dir, $"frames-{layout.Width}x{layout.Height}.rgb");
}
