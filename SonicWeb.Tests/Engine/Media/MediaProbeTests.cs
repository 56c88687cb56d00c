using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Media;
using SonicWeb.Tests.TestSupport;

namespace SonicWeb.Tests.Engine.Media;

public class MediaProbeTests
{
    [Theory]
    [InlineData("png", "png")]
    [InlineData("jpg", "mjpeg")]
    [InlineData("webp", "webp")]
    public async Task Images_probe_as_one_video_stream_with_their_size(string extension, string codec)
    {
        var path = extension == "png" ? TestMedia.AstronautPng : TestMedia.Convert(TestMedia.AstronautPng, "probe-astronaut." + extension);

        var info = await MediaProbe.ProbeAsync(path, CancellationToken.None);

        var video = Assert.Single(info.Streams);
        Assert.Equal(MediaStreamType.Video, video.Type);
        Assert.Equal(codec, video.CodecName);
        Assert.Equal((512, 512), (video.Width, video.Height));
        Assert.Null(info.FirstAudio);
    }

    [Theory]
    [InlineData("wav", "pcm_s16le", "wav")]
    [InlineData("mp3", "mp3", "mp3")]
    [InlineData("m4a", "aac", "mov")]
    [InlineData("ogg", "opus", "ogg")]
    [InlineData("flac", "flac", "flac")]
    public async Task Audio_probes_with_type_codec_and_duration(string extension, string codec, string format)
    {
        var path = extension switch
        {
            "wav" => MediaFixtures.SpeechWav,
            "ogg" => MediaFixtures.SpeechAs("ogg", "-c:a", "libopus"),
            _ => MediaFixtures.SpeechAs(extension),
        };
        double expected = TestMedia.ProbeDuration(MediaFixtures.SpeechWav);

        var info = await MediaProbe.ProbeAsync(path, CancellationToken.None);

        Assert.Contains(format, info.FormatNames);
        var audio = Assert.Single(info.Streams);
        Assert.Equal(MediaStreamType.Audio, audio.Type);
        Assert.Equal(codec, audio.CodecName);
        Assert.Equal(1, audio.Channels);
        Assert.InRange(info.DurationSeconds!.Value, expected - 0.03, expected + 0.1);
        Assert.Equal(new FileInfo(path).Length, info.SizeBytes);
    }

    [Fact]
    public async Task Unreadable_file_fails_with_the_callers_code_and_ffprobes_reason()
    {
        var path = MediaFixtures.WriteFile("noise.bin", "definitely not media"u8.ToArray());

        var e = await Assert.ThrowsAsync<SonicEngineException>(() => MediaProbe.ProbeAsync(path,
            new MediaProbeOptions { FailureCode = EngineErrorCodes.UnsupportedAudio }, CancellationToken.None));

        Assert.Equal(EngineErrorCodes.UnsupportedAudio, e.Code);
        Assert.Contains("exit code 1", e.Message);
        Assert.Contains("Invalid data found", e.Message); // ffprobe's own stderr line, from the tail
    }
}
