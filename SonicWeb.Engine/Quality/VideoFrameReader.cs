using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Media;

namespace SonicWeb.Engine.Quality;

/// <summary>
/// Decodes a video's frames through ffmpeg's rawvideo pipe and hands them out one at a time (one
/// reused buffer), so a long 1024x1024 clip never sits in memory whole.
/// </summary>
public static class VideoFrameReader
{
    /// <summary>Calls <paramref name="onFrame"/>(index, frame) for every frame; the frame buffer is reused.</summary>
    public static async Task<int> ReadAsync(string videoPath, int width, int height, Action<int, RgbImage> onFrame,
        FfmpegOptions? ffmpeg = null, CancellationToken ct = default)
    {
        ffmpeg ??= FfmpegOptions.Default;
        var frame = new RgbImage(width, height);
        int count = 0;
        var args = new FfmpegArguments().Flag("-nostdin").Option("-v", "error").InputFile(videoPath)
            .Option("-f", "rawvideo").Option("-pix_fmt", "rgb24").OutputStdout();
        await using var process = FfmpegProcess.Start(ffmpeg.FfmpegPath, args, new FfmpegRunOptions
        {
            ReadStdout = async (stdout, token) =>
            {
                while (true)
                {
                    int read = await stdout.ReadAtLeastAsync(frame.Pixels, frame.Pixels.Length, throwOnEndOfStream: false, token).ConfigureAwait(false);
                    if (read < frame.Pixels.Length) break;
                    onFrame(count++, frame);
                }
            },
            TimeLimit = ffmpeg.EncodeLimit,
            TimeLimitSetting = "Ffmpeg:EncodeSeconds",
        }, ffmpeg.Processes);
        await process.WaitForSuccessAsync(EngineErrorCodes.Internal, $"Decoding the frames of '{Path.GetFileName(videoPath)}' failed", ct).ConfigureAwait(false);
        return count;
    }
}
