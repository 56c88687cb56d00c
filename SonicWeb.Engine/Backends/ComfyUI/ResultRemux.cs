using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Media;
using SonicWeb.Engine.Pipeline;

namespace SonicWeb.Engine.Backends.ComfyUI;

/// <summary>
/// Makes the remote video keep the built-in backend's promise: exactly round(duration x 25) frames at
/// the size the job was framed for, H.264 yuv420p, with the original recording as AAC 48 kHz padded or
/// cut to the same length. Sonic's video may differ in size, frame count (its own rounding) or carry
/// its own audio track; one ffmpeg pass fixes all of it. Written to a hidden file and renamed.
/// </summary>
public static class ResultRemux
{
    private const int AudioSampleRate = 48000;

    public static async Task RunAsync(string remoteVideo, string audioPath, string outputPath, int width, int height, int frames,
        FfmpegOptions ffmpeg, string preset, int crf, CancellationToken ct)
    {
        long samples = (long)Math.Round(frames * (double)AudioSampleRate / GenerationParameters.Fps);
        var temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(outputPath))!, "." + Path.GetFileName(outputPath) + ".remux.mp4");
        var args = new FfmpegArguments()
            .Flag("-hide_banner").Option("-v", "error").Flag("-nostats")
            .Option("-protocol_whitelist", "file").InputFile(remoteVideo)
            .Option("-protocol_whitelist", "file").Option("-format_whitelist", MediaProbe.AudioDemuxers).InputFile(audioPath)
            .Option("-map", "0:v:0").Option("-map", "1:a:0")
            // Same frame rate and size as promised; a short video holds its last frame, a long one is cut.
            .Option("-vf", $"fps={GenerationParameters.Fps},scale={width}:{height}:flags=bicubic,setsar=1,tpad=stop_mode=clone:stop={frames},trim=end_frame={frames}")
            .Option("-c:v", "libx264").Option("-preset", preset).Option("-crf", crf).Option("-pix_fmt", "yuv420p")
            .Option("-af", $"aresample={AudioSampleRate},apad=whole_len={samples},atrim=end_sample={samples}")
            .Option("-c:a", "aac").Option("-b:a", "128k").Option("-ar", AudioSampleRate)
            .Option("-movflags", "+faststart").Option("-f", "mp4").Flag("-y").OutputFile(temp);
        try
        {
            await using var process = FfmpegProcess.Start(ffmpeg.FfmpegPath, args, null, ffmpeg.Processes);
            await process.WaitForSuccessAsync(EngineErrorCodes.EncoderFailed, "Re-muxing the ComfyUI video with the original audio failed", ct);
            File.Move(temp, outputPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
