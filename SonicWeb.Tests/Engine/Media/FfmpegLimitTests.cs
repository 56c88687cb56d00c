using System.Diagnostics;
using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Media;
using SonicWeb.Tests.TestSupport;

namespace SonicWeb.Tests.Engine.Media;

/// <summary>Every ffmpeg run has a wall-clock limit (Ffmpeg:ReadSeconds, Ffmpeg:EncodeSeconds) and writes at most Ffmpeg:MaxOutputBytes.</summary>
public sealed class FfmpegLimitTests
{
    [Fact]
    public async Task A_probe_that_never_ends_is_stopped_at_its_time_limit_and_named_in_the_error()
    {
        // A named pipe nobody writes to: ffprobe blocks in open() for ever, as it would on a file built to make it spin.
        var dir = Directory.CreateTempSubdirectory("sonicweb-ffmpeg-limit-").FullName;
        var fifo = Path.Combine(dir, "never.wav");
        TestMedia.Run("mkfifo", fifo);
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<SonicEngineException>(() =>
            MediaProbe.ProbeAsync(fifo, new MediaProbeOptions { Ffmpeg = new FfmpegOptions { ReadSeconds = 1 } }, CancellationToken.None));
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.9, 20);
        Assert.Contains("its limit of 1 s (Ffmpeg:ReadSeconds)", error.Message);
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task An_encode_that_would_pass_the_output_size_limit_fails_and_leaves_no_video()
    {
        var dir = Directory.CreateTempSubdirectory("sonicweb-ffmpeg-size-").FullName;
        var output = Path.Combine(dir, "out.mp4");
        var noise = new byte[256 * 256 * 3];
        var random = new Random(5);
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var encoder = await VideoEncoder.StartAsync(new VideoEncoderSettings
            {
                Width = 256, Height = 256, FrameCount = 100, OutputPath = output, Preset = "ultrafast", Crf = 0,
                Ffmpeg = new FfmpegOptions { MaxOutputBytes = 1024 * 1024 },
            }, CancellationToken.None);
            for (int i = 0; i < 100; i++)
            {
                random.NextBytes(noise); // lossless noise: about 190 kB a frame, so 1 MB after a few frames
                await encoder.WriteFrameAsync(noise, CancellationToken.None);
            }
            await encoder.CompleteAsync(CancellationToken.None);
        });
        Assert.True(error is SonicEngineException or IOException, error.ToString());
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(dir)); // no partial file either
        Directory.Delete(dir, true);
    }
}
