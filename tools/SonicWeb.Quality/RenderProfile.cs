using System.Diagnostics;
using SonicWeb.Engine.Animation;
using SonicWeb.Engine.Faces;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Rendering;

namespace SonicWeb.Quality;

/// <summary>
/// Times FaceRenderer.Render alone (no audio analysis, no encoding) over a talking clip's poses:
/// mouth moving, blinks, head sway. Prints the median and mean per-frame milliseconds of several runs,
/// so a busy machine (check `uptime`) shows up as a spread rather than a wrong single figure.
/// </summary>
internal static class RenderProfile
{
    public static string Run(RgbImage photo, FaceLandmarks landmarks, FrameLayout layout, int frames = 200, int runs = 5)
    {
        var renderer = new FaceRenderer(photo, landmarks, layout);
        var buffer = new byte[renderer.FrameBytes];
        var loudness = Enumerable.Range(0, frames).Select(i => MathF.Max(0, MathF.Sin(i * 0.45f)) * (0.6f + 0.4f * MathF.Sin(i * 0.05f))).ToArray();
        var poses = Animator.Animate(new FrameControls(25, loudness, Enumerable.Repeat(1f, frames).ToArray()), new AnimationSettings(Seed: 3));
        for (int i = 0; i < 20; i++) renderer.Render(poses[i], buffer); // JIT and thread pool warm-up
        var perRun = new List<double>();
        for (int run = 0; run < runs; run++)
        {
            var watch = Stopwatch.StartNew();
            foreach (var pose in poses) renderer.Render(pose, buffer);
            perRun.Add(watch.Elapsed.TotalMilliseconds / frames);
        }
        perRun.Sort();
        return $"{layout.Width}x{layout.Height}: median {perRun[runs / 2]:0.00} ms/frame, best {perRun[0]:0.00}, worst {perRun[^1]:0.00} ({runs} runs of {frames} frames)";
    }
}
