using System.Globalization;
using SonicWeb.Engine.Imaging;

namespace SonicWeb.Tests.TestSupport;

/// <summary>What ffprobe says about an MP4, and its decoded frames, for assertions on real output.</summary>
public sealed record VideoFacts(string VideoCodec, string? AudioCodec, int Width, int Height, string PixelFormat,
    double FrameRate, int FrameCount, double VideoSeconds, double? AudioSeconds)
{
    public static VideoFacts Probe(string path)
    {
        var v = TestMedia.Run("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames",
            "-show_entries", "stream=codec_name,width,height,pix_fmt,r_frame_rate,nb_read_frames,duration", "-of", "default=nw=1", path);
        var a = TestMedia.Run("ffprobe", "-v", "error", "-select_streams", "a:0",
            "-show_entries", "stream=codec_name,duration", "-of", "default=nw=1", path);
        var vs = Parse(v);
        var @as = Parse(a);
        var rate = vs["r_frame_rate"].Split('/');
        return new VideoFacts(vs["codec_name"], @as.GetValueOrDefault("codec_name"), int.Parse(vs["width"]), int.Parse(vs["height"]),
            vs["pix_fmt"], double.Parse(rate[0], CultureInfo.InvariantCulture) / double.Parse(rate[1], CultureInfo.InvariantCulture),
            int.Parse(vs["nb_read_frames"]), double.Parse(vs["duration"], CultureInfo.InvariantCulture),
            @as.TryGetValue("duration", out var d) ? double.Parse(d, CultureInfo.InvariantCulture) : null);
    }

    private static Dictionary<string, string> Parse(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0].Trim(), p => p[1].Trim());
}

public static class VideoFrames
{
    /// <summary>Every frame of the video as RGB24.</summary>
    public static List<RgbImage> Decode(string path, int width, int height)
    {
        var bytes = TestMedia.RunBinary("ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1");
        int frameBytes = width * height * 3;
        var frames = new List<RgbImage>();
        for (int offset = 0; offset + frameBytes <= bytes.Length; offset += frameBytes)
            frames.Add(new RgbImage(width, height, bytes.AsSpan(offset, frameBytes).ToArray()));
        return frames;
    }

    /// <summary>Mean absolute difference of two images over a rectangle (all channels).</summary>
    public static double MeanAbsDiff(RgbImage a, RgbImage b, int x0, int y0, int x1, int y1)
    {
        long sum = 0;
        for (int y = y0; y < y1; y++)
        for (int x = x0 * 3; x < x1 * 3; x++)
            sum += Math.Abs(a.Pixels[y * a.Stride + x] - b.Pixels[y * b.Stride + x]);
        return (double)sum / ((x1 - x0) * (y1 - y0) * 3);
    }

    public static double Correlation(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        double ma = a.Average(), mb = b.Average(), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Count; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.Sqrt(saa * sbb);
    }
}
