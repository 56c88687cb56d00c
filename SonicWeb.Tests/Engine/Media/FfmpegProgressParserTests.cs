using SonicWeb.Engine.Media;

namespace SonicWeb.Tests.Engine.Media;

public class FfmpegProgressParserTests
{
    /// <summary>Captured from ffmpeg 5.1: -v error -nostats -progress pipe:2 encoding 5 frames of testsrc.</summary>
    private const string Captured = """
        frame=1
        fps=0.00
        stream_0_0_q=0.0
        bitrate=N/A
        total_size=48
        out_time_us=0
        out_time_ms=0
        out_time=00:00:00.000000
        dup_frames=0
        drop_frames=0
        speed=N/A
        progress=continue
        frame=5
        fps=0.00
        stream_0_0_q=28.0
        bitrate= 230.2kbits/s
        total_size=2304
        out_time_us=80078
        out_time_ms=80078
        out_time=00:00:00.080078
        dup_frames=0
        drop_frames=0
        speed=14.9x
        progress=end
        """;

    [Fact]
    public void Parses_each_block_into_a_record()
    {
        var blocks = FfmpegProgressParser.ParseAll(Captured);

        Assert.Equal(2, blocks.Count);
        Assert.Equal(new FfmpegProgress(1, TimeSpan.Zero, 0, null, 48, false), blocks[0]);
        Assert.Equal(5, blocks[1].Frame);
        Assert.Equal(TimeSpan.FromTicks(800780), blocks[1].OutTime);
        Assert.Equal(14.9, blocks[1].Speed);
        Assert.Equal(2304, blocks[1].TotalSizeBytes);
        Assert.True(blocks[1].IsEnd);
    }

    [Fact]
    public void Not_available_and_negative_times_are_null()
    {
        var blocks = FfmpegProgressParser.ParseAll("frame=0\nout_time_us=N/A\nprogress=continue\nframe=1\nout_time_us=-23220\nprogress=continue\n");

        Assert.All(blocks, b => Assert.Null(b.OutTime));
    }

    [Theory]
    [InlineData("frame=12", true)]
    [InlineData("stream_0_0_q=28.0", true)]
    [InlineData("progress=end", true)]
    [InlineData("[aac @ 0x55] Too many bits per frame requested", false)]
    [InlineData("Error while decoding stream #0:0: Invalid data found", false)]
    public void Tells_progress_lines_from_log_lines(string line, bool isProgress)
    {
        Assert.Equal(isProgress, FfmpegProgressParser.IsProgressLine(line));
    }
}
