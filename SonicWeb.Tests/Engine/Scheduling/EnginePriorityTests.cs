using System.Collections.Concurrent;
using SonicWeb.Engine.Media;
using SonicWeb.Engine.Scheduling;

namespace SonicWeb.Tests.Engine.Scheduling;

/// <summary>
/// Engine:Nice: the render threads and the encoder's ffmpeg run that many nice steps below the app, read back from
/// the kernel (/proc/.../stat, field 19; Linux, like the rest of the suite), while the app's own threads keep their priority.
/// </summary>
public class EnginePriorityTests
{
    [Fact]
    public async Task Work_on_the_engine_threads_and_its_Parallel_For_run_below_the_app()
    {
        int app = NiceOf($"/proc/{Environment.ProcessId}/stat");
        int expected = Math.Min(19, app + 7);
        var seen = new ConcurrentDictionary<string, int>();

        await EngineThreads.RunAsync(async () =>
        {
            await Task.Yield(); // a continuation stays on the engine's threads
            Parallel.For(0, 64, new ParallelOptions { TaskScheduler = TaskScheduler.Current }, _ => // as FaceRenderer does
            {
                seen[Thread.CurrentThread.Name ?? "(unnamed)"] = NiceOf("/proc/thread-self/stat");
                Thread.SpinWait(20_000);
            });
        }, 7, CancellationToken.None);

        Assert.NotEmpty(seen);
        Assert.All(seen, t =>
        {
            Assert.StartsWith(EngineThreads.ThreadNamePrefix, t.Key);
            Assert.Equal(expected, t.Value);
        });
        // The caller resumes off the engine's threads, at the app's priority.
        Assert.False(Thread.CurrentThread.Name?.StartsWith(EngineThreads.ThreadNamePrefix) == true, Thread.CurrentThread.Name);
        Assert.Equal(app, NiceOf("/proc/thread-self/stat"));
        Assert.Same(TaskScheduler.Default, EngineThreads.Scheduler(0));
    }

    [Fact]
    public async Task An_ffmpeg_started_with_nice_steps_runs_below_the_app_in_every_thread()
    {
        int app = NiceOf($"/proc/{Environment.ProcessId}/stat");
        var endless = new FfmpegArguments().Flag("-hide_banner").Flag("-nostdin").Option("-v", "error").Flag("-re")
            .Option("-f", "lavfi").Option("-i", "testsrc=s=64x48:r=25").Option("-c:v", "libx264").Option("-f", "null").OutputStdout();
        await using var lowered = FfmpegProcess.Start("ffmpeg", endless, new FfmpegRunOptions { Nice = 5 });
        await using var plain = FfmpegProcess.Start("ffmpeg", endless);
        // Wait for x264's and ffmpeg's own threads (about a second on an idle machine; much longer on a loaded one).
        List<int> threads = [];
        for (var until = DateTime.UtcNow.AddSeconds(20); DateTime.UtcNow < until; await Task.Delay(200))
        {
            threads = Directory.GetDirectories($"/proc/{lowered.Id}/task").Select(t => NiceOf(Path.Combine(t, "stat"))).ToList();
            if (threads.Count > 1) break;
        }
        Assert.True(threads.Count > 1, $"ffmpeg with x264 runs several threads; saw {threads.Count}");
        Assert.All(threads, nice => Assert.Equal(Math.Min(19, app + 5), nice));
        Assert.Equal(app, NiceOf($"/proc/{plain.Id}/stat"));
    }

    /// <summary>Field 19 of /proc/.../stat (after the parenthesised name, which may contain spaces).</summary>
    private static int NiceOf(string statPath)
    {
        var text = File.ReadAllText(statPath);
        return int.Parse(text[(text.LastIndexOf(')') + 2)..].Split(' ')[16]);
    }
}
