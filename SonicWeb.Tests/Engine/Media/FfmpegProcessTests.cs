using System.Diagnostics;
using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Media;

namespace SonicWeb.Tests.Engine.Media;

public class FfmpegProcessTests
{
    [Fact]
    public async Task Cancellation_kills_the_process_within_a_second()
    {
        using var cts = new CancellationTokenSource();
        await using var process = FfmpegProcess.Start("ffmpeg", EndlessToNull());
        var os = Process.GetProcessById(process.Id);
        var wait = process.WaitForExitAsync(cts.Token);
        await Task.Delay(300);
        Assert.False(os.HasExited);

        var stopwatch = Stopwatch.StartNew();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
        Assert.True(os.WaitForExit(1000 - (int)stopwatch.ElapsedMilliseconds));
        Assert.InRange(stopwatch.ElapsedMilliseconds, 0, 1000);
    }

    [Fact]
    public async Task Disposing_kills_a_running_process_and_untracks_it()
    {
        var process = FfmpegProcess.Start("ffmpeg", EndlessToNull());
        var os = Process.GetProcessById(process.Id);
        Assert.True(FfmpegProcess.RunningCount >= 1);

        await process.DisposeAsync();

        Assert.True(os.HasExited);
    }

    [Fact]
    public async Task Failure_carries_the_exit_code_and_the_stderr_tail()
    {
        var args = new FfmpegArguments().Flag("-hide_banner").Flag("-nostdin").Option("-v", "error")
            .InputFile("/nonexistent/input.wav").Option("-f", "null").OutputStdout();
        await using var process = FfmpegProcess.Start("ffmpeg", args);

        var e = await Assert.ThrowsAsync<SonicEngineException>(() => process.WaitForSuccessAsync(EngineErrorCodes.EncoderFailed, "Test run failed", CancellationToken.None));

        Assert.Equal(EngineErrorCodes.EncoderFailed, e.Code);
        Assert.StartsWith("Test run failed (ffmpeg exit code ", e.Message);
        Assert.Contains("No such file or directory", e.Message);
    }

    [Fact]
    public async Task Stderr_tail_keeps_only_the_last_lines()
    {
        // -loglevel info prints a few dozen lines of stream information for a short encode.
        var args = new FfmpegArguments().Flag("-hide_banner").Flag("-nostdin").Option("-v", "info")
            .Option("-f", "lavfi").Option("-i", "testsrc=s=64x48:r=25:d=0.2").Option("-f", "null").OutputStdout();
        await using var process = FfmpegProcess.Start("ffmpeg", args, new FfmpegRunOptions { StderrTailLines = 3 });

        Assert.Equal(0, await process.WaitForExitAsync(CancellationToken.None));
        Assert.Equal(3, process.StderrTail.Split('\n').Length);
    }

    [Fact]
    public void Missing_executable_is_ffmpeg_missing_with_an_install_hint()
    {
        var e = Assert.Throws<SonicEngineException>(() => FfmpegProcess.Start("/nonexistent/ffprobe", new FfmpegArguments().Flag("-version")));

        Assert.Equal(EngineErrorCodes.FfmpegMissing, e.Code);
        Assert.Contains("apt-get install -y ffmpeg", e.Message);
    }

    [Fact]
    public void Arguments_stay_separate_and_paths_cannot_become_options()
    {
        var args = new FfmpegArguments().Option("-metadata", "title=a b; rm -rf /").InputFile("-y").OutputFile("pipe:1");

        Assert.Equal("title=a b; rm -rf /", args.Items[1]);
        Assert.Equal("file:" + Path.GetFullPath("-y"), args.Items[3]);
        Assert.Equal("file:" + Path.GetFullPath("pipe:1"), args.Items[4]);
        Assert.Throws<ArgumentException>(() => args.Flag("y"));
    }

    /// <summary>An ffmpeg run that never ends on its own: a live (-re) test source encoded to nowhere.</summary>
    private static FfmpegArguments EndlessToNull() => new FfmpegArguments()
        .Flag("-hide_banner").Flag("-nostdin").Option("-v", "error").Flag("-re")
        .Option("-f", "lavfi").Option("-i", "testsrc=s=64x48:r=25").Option("-f", "null").OutputStdout();
}
