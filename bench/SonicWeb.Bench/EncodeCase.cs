using System.Diagnostics;
using SonicWeb.Engine.Media;
using SonicWeb.Engine.Pipeline;

namespace SonicWeb.Bench;

/// <summary>
/// The encode-only baseline: the render case's frames, read back from the raw file, piped into
/// VideoEncoder in the same format (RGB24 or I420) with the pipeline's settings (EngineOptions defaults, the same audio to mux). Timed from
/// starting ffmpeg to the finished MP4, as the pipeline's rendering stage is.
/// </summary>
public static class EncodeCase
{
    public static async Task<CaseResult> RunAsync(BenchOptions o)
    {
        var options = new EngineOptions();
        var rawPath = CaseRunner.Require(o.Raw, "raw");
        var settings = new VideoEncoderSettings
        {
            Width = o.Width,
            Height = o.Height,
            Fps = GenerationParameters.Fps,
            InputFormat = o.Input ?? options.EncoderInput,
            FrameCount = o.Frames,
            AudioPath = CaseRunner.Require(o.Audio, "audio"),
            OutputPath = CaseRunner.Require(o.Output, "out"),
            Preset = options.EncoderPreset,
            Crf = options.EncoderCrf,
            Ffmpeg = options.Ffmpeg,
        };
        long rawFrames = new FileInfo(rawPath).Length / settings.FrameBytes;
        if (o.Frames <= 0 || rawFrames != o.Frames)
            throw new InvalidOperationException($"The raw file holds {rawFrames} {settings.InputFormat} frames of {o.Width}x{o.Height}; expected {o.Frames}.");

        var frame = new byte[settings.FrameBytes];
        var reading = new Stopwatch();
        var cpu = CpuMeter.StartNew();
        var clock = Stopwatch.StartNew();
        await using var raw = new FileStream(rawPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        await using var encoder = await VideoEncoder.StartAsync(settings, CancellationToken.None);
        for (int i = 0; i < o.Frames; i++)
        {
            reading.Start();
            raw.ReadExactly(frame);
            reading.Stop();
            await encoder.WriteFrameAsync(frame, CancellationToken.None);
        }
        var encoded = await encoder.CompleteAsync(CancellationToken.None);
        double seconds = clock.Elapsed.TotalSeconds;
        cpu.Stop();

        return new CaseResult
        {
            Case = "encode",
            Resolution = o.Resolution,
            Width = o.Width,
            Height = o.Height,
            Frames = o.Frames,
            AudioSeconds = o.Frames / (double)GenerationParameters.Fps,
            ElapsedSeconds = seconds,
            Fps = o.Frames / seconds,
            StageSeconds = new Dictionary<string, double> { ["ReadingRawFile"] = reading.Elapsed.TotalSeconds },
            OutputBytes = encoded.SizeBytes,
            CpuSeconds = cpu.SelfSeconds,
            FfmpegCpuSeconds = cpu.ChildrenSeconds,
        };
    }
}
