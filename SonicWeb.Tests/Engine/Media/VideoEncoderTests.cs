using System.Diagnostics;
using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Media;
using SonicWeb.Tests.TestSupport;

namespace SonicWeb.Tests.Engine.Media;

public class VideoEncoderTests
{
    private const int Size = 128;

    /// <summary>A diagonal gradient with a white square moving one step per frame.</summary>
    private static RgbImage Frame(int index, int width = Size, int height = Size)
    {
        var image = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
        {
            var row = image.Row(y);
            for (int x = 0; x < width; x++)
            {
                bool square = x >= index * 2 % (width - 16) && x < index * 2 % (width - 16) + 16 && y >= 40 && y < 56;
                row[x * 3] = square ? (byte)255 : (byte)(x * 255 / width);
                row[x * 3 + 1] = square ? (byte)255 : (byte)(y * 255 / height);
                row[x * 3 + 2] = square ? (byte)255 : (byte)128;
            }
        }
        return image;
    }

    [Theory]
    [InlineData(2.0)]  // as long as the video
    [InlineData(1.2)]  // shorter: padded with silence
    [InlineData(3.5)]  // longer: cut
    public async Task Fifty_frames_and_audio_make_an_exact_two_second_h264_aac_mp4(double audioSeconds)
    {
        var audio = TestMedia.Convert(MediaFixtures.SpeechWav, $"speech-{audioSeconds}s.wav", "-af", $"apad=whole_dur={audioSeconds}", "-t", $"{audioSeconds}");
        var dir = MediaFixtures.NewFolder("encode");
        var output = Path.Combine(dir, "out.mp4");

        await using (var encoder = await VideoEncoder.StartAsync(new VideoEncoderSettings
        {
            Width = Size, Height = Size, FrameCount = 50, AudioPath = audio, OutputPath = output,
        }, CancellationToken.None))
        {
            for (int i = 0; i < 50; i++)
                await encoder.WriteFrameAsync(Frame(i).Pixels, CancellationToken.None);
            var result = await encoder.CompleteAsync(CancellationToken.None);
            Assert.Equal(new FileInfo(output).Length, result.SizeBytes);
            Assert.Equal(50, encoder.LastProgress?.Frame);
        }

        Assert.Equal(["out.mp4"], Directory.GetFiles(dir).Select(Path.GetFileName));
        var info = await MediaProbe.ProbeAsync(output, new MediaProbeOptions { CountFrames = true }, CancellationToken.None);
        var video = info.FirstVideo!;
        var sound = info.FirstAudio!;
        Assert.Equal("h264", video.CodecName);
        Assert.Equal("yuv420p", video.PixelFormat);
        Assert.Equal(25, video.AverageFrameRate);
        Assert.Equal(50, video.FrameCount);
        Assert.Equal("aac", sound.CodecName);
        Assert.InRange(info.DurationSeconds!.Value, 2.0 - 0.04, 2.0 + 0.04);
        Assert.InRange(sound.DurationSeconds!.Value, 2.0 - 0.04, 2.0 + 0.04);

        // The first frame survives encoding (yuv420p + crf 20 on a smooth picture).
        var first = TestMedia.LoadRgb(output);
        Assert.InRange(ImageCompare.Psnr(Frame(0), first), 30, 100);
    }

    [Fact]
    public async Task I420_frames_encode_without_conversion_to_the_same_picture()
    {
        var dir = MediaFixtures.NewFolder("encode-i420");
        var output = Path.Combine(dir, "out.mp4");
        await using (var encoder = await VideoEncoder.StartAsync(new VideoEncoderSettings
        {
            Width = Size, Height = Size, FrameCount = 10, OutputPath = output, InputFormat = RawFrameFormat.Yuv420p,
        }, CancellationToken.None))
        {
            var rgbFrame = await Assert.ThrowsAsync<ArgumentException>(() => encoder.WriteFrameAsync(Frame(0).Pixels, CancellationToken.None));
            Assert.Contains($"Yuv420p frame of {Size}x{Size} is {Size * Size * 3 / 2} bytes", rgbFrame.Message);
            var i420 = new byte[I420Converter.FrameBytes(Size, Size)];
            for (int i = 0; i < 10; i++)
            {
                I420Converter.Convert(Frame(i).Pixels, Size, Size, i420);
                await encoder.WriteFrameAsync(i420, CancellationToken.None);
            }
            await encoder.CompleteAsync(CancellationToken.None);
        }

        var info = await MediaProbe.ProbeAsync(output, new MediaProbeOptions { CountFrames = true }, CancellationToken.None);
        Assert.Equal("yuv420p", info.FirstVideo!.PixelFormat);
        Assert.Equal(10, info.FirstVideo.FrameCount);
        Assert.Null(info.FirstAudio);
        Assert.InRange(ImageCompare.Psnr(Frame(0), TestMedia.LoadRgb(output)), 30, 100);
    }

    [Fact]
    public async Task Faststart_puts_the_index_before_the_media_data()
    {
        var output = Path.Combine(MediaFixtures.NewFolder("faststart"), "out.mp4");
        await using (var encoder = await VideoEncoder.StartAsync(new VideoEncoderSettings
        {
            Width = 64, Height = 64, FrameCount = 5, OutputPath = output, Preset = "ultrafast",
        }, CancellationToken.None))
        {
            for (int i = 0; i < 5; i++) await encoder.WriteFrameAsync(Frame(i, 64, 64).Pixels, CancellationToken.None);
            await encoder.CompleteAsync(CancellationToken.None);
        }
        var bytes = File.ReadAllBytes(output);
        int moov = bytes.AsSpan().IndexOf("moov"u8), mdat = bytes.AsSpan().IndexOf("mdat"u8);
        Assert.True(moov > 0 && mdat > 0 && moov < mdat, $"moov at {moov}, mdat at {mdat}");
        Assert.Null((await MediaProbe.ProbeAsync(output, CancellationToken.None)).FirstAudio);
    }

    [Fact]
    public async Task Cancelling_mid_run_kills_ffmpeg_within_a_second_and_leaves_no_files()
    {
        var dir = MediaFixtures.NewFolder("cancel");
        var output = Path.Combine(dir, "out.mp4");
        var frames = Enumerable.Range(0, 4).Select(i => Noise(512, 512, i)).ToArray();
        using var cts = new CancellationTokenSource();
        var encoder = await VideoEncoder.StartAsync(new VideoEncoderSettings
        {
            Width = 512, Height = 512, FrameCount = 1000, AudioPath = MediaFixtures.SpeechWav, OutputPath = output, Preset = "slow",
        }, CancellationToken.None);
        var ffmpeg = Process.GetProcessById(encoder.ProcessId);

        var stopwatch = new Stopwatch();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            for (int i = 0; i < 1000; i++)
            {
                if (i == 30) { cts.Cancel(); stopwatch.Start(); }
                await encoder.WriteFrameAsync(frames[i % frames.Length].Pixels, cts.Token);
            }
        });
        Assert.True(ffmpeg.WaitForExit(1000 - (int)stopwatch.ElapsedMilliseconds), "ffmpeg still running 1 s after cancel");
        Assert.InRange(stopwatch.ElapsedMilliseconds, 0, 1000);
        await encoder.DisposeAsync();
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public async Task Disposing_before_completion_kills_ffmpeg_and_deletes_the_partial_file()
    {
        var dir = MediaFixtures.NewFolder("dispose");
        var encoder = await VideoEncoder.StartAsync(new VideoEncoderSettings
        {
            Width = 64, Height = 64, FrameCount = 100, OutputPath = Path.Combine(dir, "out.mp4"),
        }, CancellationToken.None);
        for (int i = 0; i < 10; i++) await encoder.WriteFrameAsync(Frame(i, 64, 64).Pixels, CancellationToken.None);
        var ffmpeg = Process.GetProcessById(encoder.ProcessId);

        await encoder.DisposeAsync();

        Assert.True(ffmpeg.HasExited);
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public async Task Ffmpeg_dying_mid_stream_fails_fast_with_encoder_failed()
    {
        var dir = MediaFixtures.NewFolder("broken-pipe");
        await using var encoder = await VideoEncoder.StartAsync(new VideoEncoderSettings
        {
            Width = 256, Height = 256, FrameCount = 500, OutputPath = Path.Combine(dir, "out.mp4"),
        }, CancellationToken.None);
        var frame = Frame(0, 256, 256).Pixels;
        for (int i = 0; i < 5; i++) await encoder.WriteFrameAsync(frame, CancellationToken.None);

        Process.GetProcessById(encoder.ProcessId).Kill();
        var stopwatch = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<SonicEngineException>(async () =>
        {
            for (int i = 5; i < 500; i++) await encoder.WriteFrameAsync(frame, CancellationToken.None);
        });

        Assert.Equal(EngineErrorCodes.EncoderFailed, e.Code);
        Assert.Contains("exit code", e.Message);
        Assert.InRange(stopwatch.ElapsedMilliseconds, 0, 2000);
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public async Task Bad_audio_fails_with_encoder_failed_and_ffmpegs_reason()
    {
        var dir = MediaFixtures.NewFolder("bad-audio");
        var notAudio = Path.Combine(dir, "voice.wav");
        File.WriteAllText(notAudio, "this is not a wav file");

        var e = await Assert.ThrowsAsync<SonicEngineException>(async () =>
        {
            await using var encoder = await VideoEncoder.StartAsync(new VideoEncoderSettings
            {
                Width = 64, Height = 64, FrameCount = 200, AudioPath = notAudio, OutputPath = Path.Combine(dir, "out.mp4"),
            }, CancellationToken.None);
            var frame = Frame(0, 64, 64).Pixels;
            for (int i = 0; i < 200; i++) await encoder.WriteFrameAsync(frame, CancellationToken.None);
            await encoder.CompleteAsync(CancellationToken.None);
        });

        Assert.Equal(EngineErrorCodes.EncoderFailed, e.Code);
        Assert.Contains("voice.wav", e.Message);
        Assert.Equal(["voice.wav"], Directory.GetFiles(dir).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData(63, 64, 25, "veryfast")]
    [InlineData(64, 64, 0, "veryfast")]
    [InlineData(64, 64, 25, "turbo")]
    public async Task Invalid_settings_are_rejected_naming_the_field(int width, int height, int fps, string preset)
    {
        var e = await Assert.ThrowsAsync<SonicEngineException>(() => VideoEncoder.StartAsync(new VideoEncoderSettings
        {
            Width = width, Height = height, Fps = fps, Preset = preset, FrameCount = 1, OutputPath = Path.Combine(TestMedia.WorkDir, "x.mp4"),
        }, CancellationToken.None));
        Assert.Equal(EngineErrorCodes.InvalidParameter, e.Code);
    }

    /// <summary>Hard-to-compress content so a slow preset really is slow.</summary>
    private static RgbImage Noise(int width, int height, int seed)
    {
        var image = new RgbImage(width, height);
        new Random(seed).NextBytes(image.Pixels);
        return image;
    }
}
