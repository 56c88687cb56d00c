using SonicWeb.Engine.Media;

namespace SonicWeb.Tests.Engine.Media;

public class FfprobeJsonParserTests
{
    [Fact]
    public void Parses_an_m4a_audio_report()
    {
        var info = FfprobeJsonParser.Parse(CapturedFfprobe.SpeechM4a);

        Assert.Equal(["mov", "mp4", "m4a", "3gp", "3g2", "mj2"], info.FormatNames);
        Assert.Equal(1.719, info.DurationSeconds!.Value, 3);
        Assert.Equal(12712, info.SizeBytes);
        var audio = Assert.Single(info.Streams);
        Assert.Same(audio, info.FirstAudio);
        Assert.Null(info.FirstVideo);
        Assert.Equal(MediaStreamType.Audio, audio.Type);
        Assert.Equal("aac", audio.CodecName);
        Assert.Equal(22050, audio.SampleRate);
        Assert.Equal(1, audio.Channels);
        Assert.Equal(38, audio.FrameCount);
        Assert.Null(audio.AverageFrameRate); // "0/0"
        Assert.Null(audio.Width);
        Assert.Null(audio.RotationDegrees);
    }

    [Fact]
    public void Parses_an_image_report()
    {
        var info = FfprobeJsonParser.Parse(CapturedFfprobe.SmallJpeg);

        Assert.Equal(["image2"], info.FormatNames);
        var video = Assert.Single(info.Streams);
        Assert.Equal(MediaStreamType.Video, video.Type);
        Assert.Equal("mjpeg", video.CodecName);
        Assert.Equal(64, video.Width);
        Assert.Equal(48, video.Height);
        Assert.Equal("yuvj444p", video.PixelFormat);
        Assert.Equal(25, video.AverageFrameRate);
        Assert.Equal("video (mjpeg)", info.DescribeStreams());
    }

    [Fact]
    public void Reads_rotation_from_display_matrix_side_data()
    {
        var info = FfprobeJsonParser.Parse(CapturedFfprobe.RotatedMp4);

        var video = info.FirstVideo!;
        Assert.Equal("h264", video.CodecName);
        Assert.Equal(90, video.RotationDegrees);
        Assert.Equal(10, video.FrameCount);
        Assert.Equal(0.4, video.DurationSeconds!.Value, 6);
        Assert.Equal(0.4, info.DurationSeconds!.Value, 6);
    }

    [Fact]
    public void Missing_fields_and_unusual_values_are_null_not_errors()
    {
        var info = FfprobeJsonParser.Parse("""{"streams":[{"index":0,"codec_type":"audio","duration":"N/A","sample_rate":"x"}],"format":{}}""");

        var s = Assert.Single(info.Streams);
        Assert.Null(s.DurationSeconds);
        Assert.Null(s.SampleRate);
        Assert.Null(info.DurationSeconds);
        Assert.Empty(info.FormatNames);
    }

    [Theory]
    [InlineData("25/1", 25.0)]
    [InlineData("30000/1001", 29.97003)]
    [InlineData("0/0", null)]
    [InlineData("", null)]
    public void Frame_rates_are_fractions(string text, double? expected)
    {
        var rate = FfprobeJsonParser.ParseRate(text);
        if (expected is null) Assert.Null(rate);
        else Assert.Equal(expected.Value, rate!.Value, 4);
    }
}
