using System.Diagnostics;
using SonicWeb.Engine.Animation;
using SonicWeb.Engine.Faces;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Rendering;

namespace SonicWeb.Quality;

/// <summary>
/// Times FaceRenderer.Render alone (no audio analysis, no encoding) over a talking clip's poses:
/// mouth moving, blinks, head sway. Prints the median wall and CPU milliseconds per frame of several
/// runs, so a busy machine (check `uptime`) shows up as a spread rather than a wrong single figure.
/// CPU time (all threads of this process) is the steadier figure on a shared machine: other work
/// stretches the wall clock but not the CPU this renderer burns.
/// </summary>
internal static class RenderProfile
{
    /// <summary>The poses timed by --profile (also rendered by --dump-frames, so both cover the same work).</summary>
    public static FacePose[] TalkingPoses(int frames = 200)
    {
        var loudness = Enumerable.Range(0, frames).Select(i => MathF.Max(0, MathF.Sin(i * 0.45f)) * (0.6f + 0.4f * MathF.Sin(i * 0.05f))).ToArray();
        return Animator.Animate(new FrameControls(25, loudness, Enumerable.Repeat(1f, frames).ToArray()), new AnimationSettings(Seed: 3));
    }

    public static string Run(RgbImage photo, FaceLandmarks landmarks, FrameLayout layout, int frames = 200, int runs = 5)
    {
        var renderer = new FaceRenderer(photo, landmarks, layout);
        var buffer = new byte[renderer.FrameBytes];
        var poses = TalkingPoses(frames);
        for (int i = 0; i < 20; i++) renderer.Render(poses[i], buffer); // JIT and thread pool warm-up
        var wall = new List<double>();
        var cpu = new List<double>();
        var process = Process.GetCurrentProcess();
        for (int run = 0; run < runs; run++)
        {
            process.Refresh();
            var cpuStart = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            foreach (var pose in poses) renderer.Render(pose, buffer);
            wall.Add(watch.Elapsed.TotalMilliseconds / frames);
            process.Refresh();
            cpu.Add((process.TotalProcessorTime - cpuStart).TotalMilliseconds / frames);
        }
        wall.Sort();
        cpu.Sort();
        return $"{layout.Width}x{layout.Height}: wall median {wall[runs / 2]:0.00} ms/frame (best {wall[0]:0.00}, worst {wall[^1]:0.00}); " +
               $"CPU median {cpu[runs / 2]:0.00} ms/frame (best {cpu[0]:0.00}, worst {cpu[^1]:0.00}); {runs} runs of {frames} frames";
    }

    /// <summary>
    /// CPU ms per frame of the same clip with parts of the pose switched off: where the time goes
    /// (the still crop, head motion, the mouth warp, blinks).
    /// </summary>
    public static string Breakdown(RgbImage photo, FaceLandmarks landmarks, FrameLayout layout, int frames = 200)
    {
        var renderer = new FaceRenderer(photo, landmarks, layout);
        var buffer = new byte[renderer.FrameBytes];
        var talking = TalkingPoses(frames);
        var variants = new (string Name, Func<FacePose, FacePose> Keep)[]
        {
            ("neutral", _ => FacePose.Neutral),
            ("head only", p => new FacePose(0, 0, 0, p.Yaw, p.Pitch, p.Roll, p.ShiftX, p.ShiftY)),
            ("mouth only", p => new FacePose(p.MouthOpen, p.MouthWidth, 0, 0, 0, 0, 0, 0, p.MouthPress)),
            ("blink only", p => new FacePose(0, 0, MathF.Max(p.Blink, 0.5f), 0, 0, 0, 0, 0)),
            ("everything", p => p),
        };
        var process = Process.GetCurrentProcess();
        var parts = new List<string>();
        foreach (var (name, keep) in variants)
        {
            var poses = talking.Select(keep).ToArray();
            for (int i = 0; i < 10; i++) renderer.Render(poses[i], buffer);
            process.Refresh();
            var cpuStart = process.TotalProcessorTime;
            foreach (var pose in poses) renderer.Render(pose, buffer);
            process.Refresh();
            parts.Add($"{name} {(process.TotalProcessorTime - cpuStart).TotalMilliseconds / frames:0.00}");
        }
        return $"{layout.Width}x{layout.Height} CPU ms/frame: " + string.Join(", ", parts);
    }
}
