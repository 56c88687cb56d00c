using System.Diagnostics;
using SonicWeb.Engine.Errors;

namespace SonicWeb.Engine.Media;

/// <summary>The layout of the raw frames written to the encoder.</summary>
public enum RawFrameFormat
{
    /// <summary>Width x Height x 3 bytes, R G B per pixel, rows top-down; ffmpeg converts to yuv420p.</summary>
    Rgb24,

    /// <summary>Planar YUV 4:2:0 (I420): the Y plane, then U, then V at half size, BT.601 limited range;
    /// what x264 encodes, so ffmpeg passes it through without a conversion (and the pipe carries half the bytes).</summary>
    Yuv420p,
}

/// <summary>What to encode. Width and Height must be even (yuv420p halves the chroma planes).</summary>
public sealed record VideoEncoderSettings
{
    public required int Width { get; init; }
    public required int Height { get; init; }
    public int Fps { get; init; } = 25;

    /// <summary>The layout of the frames given to <see cref="VideoEncoder.WriteFrameAsync"/>.</summary>
    public RawFrameFormat InputFormat { get; init; } = RawFrameFormat.Rgb24;

    /// <summary>Bytes of one input frame.</summary>
    public int FrameBytes => InputFormat == RawFrameFormat.Yuv420p ? Width * Height * 3 / 2 : Width * Height * 3;

    /// <summary>Exactly this many frames must be written; the video (and the audio) last FrameCount / Fps seconds.</summary>
    public required int FrameCount { get; init; }

    /// <summary>The original audio file, muxed as AAC 128k, padded with silence or cut to the video length.
    /// Null: no audio track.</summary>
    public string? AudioPath { get; init; }

    public required string OutputPath { get; init; }
    public string Preset { get; init; } = "veryfast";
    public int Crf { get; init; } = 20;

    /// <summary>x264 threads; 0 lets x264 decide.</summary>
    public int Threads { get; init; }

    /// <summary>Nice steps below the app for the ffmpeg process (Engine:Nice); 0 keeps the app's priority.</summary>
    public int Nice { get; init; }

    public FfmpegOptions? Ffmpeg { get; init; }

    public double DurationSeconds => FrameCount / (double)Fps;
}

public sealed record VideoEncodeResult(string OutputPath, int FrameCount, double DurationSeconds, long SizeBytes, TimeSpan Elapsed);

/// <summary>
/// Streams raw RGB24 or I420 frames into ffmpeg (libx264, yuv420p, AAC audio, +faststart MP4). ffmpeg writes to a
/// hidden temporary file beside the output, renamed into place only after a clean exit, so a partial MP4
/// never appears under the final name. Cancelling a write, or disposing before <see cref="CompleteAsync"/>,
/// kills ffmpeg and deletes the temporary file.
/// </summary>
public sealed class VideoEncoder : IAsyncDisposable
{
    private static readonly HashSet<string> X264Presets = new(StringComparer.Ordinal)
    {
        "ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow", "placebo",
    };

    private const int AudioSampleRate = 48000;

    private readonly VideoEncoderSettings _settings;
    private readonly FfmpegProcess _process;
    private readonly string _tempPath;
    private readonly int _frameBytes;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly FfmpegProgressParser _progressParser = new();
    private volatile FfmpegProgress? _lastProgress;
    private int _framesWritten;
    private bool _finished;

    private VideoEncoder(VideoEncoderSettings settings, FfmpegProcess process, string tempPath)
    {
        _settings = settings;
        _process = process;
        _tempPath = tempPath;
        _frameBytes = settings.FrameBytes;
    }

    public int FramesWritten => _framesWritten;

    /// <summary>ffmpeg's latest progress report (frames actually encoded), or null before the first.</summary>
    public FfmpegProgress? LastProgress => _lastProgress;

    /// <summary>The temporary file ffmpeg writes to (for diagnostics and tests).</summary>
    public string TempPath => _tempPath;

    /// <summary>The ffmpeg process id (for diagnostics and tests).</summary>
    public int ProcessId => _process.Id;

    public static Task<VideoEncoder> StartAsync(VideoEncoderSettings settings, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        Validate(settings);
        var output = Path.GetFullPath(settings.OutputPath);
        var dir = Path.GetDirectoryName(output)!;
        Directory.CreateDirectory(dir);
        var tempPath = Path.Combine(dir, $".{Path.GetFileNameWithoutExtension(output)}.partial-{Guid.NewGuid():N}.mp4");

        VideoEncoder? encoder = null;
        var ffmpeg = settings.Ffmpeg ?? FfmpegOptions.Default;
        var process = FfmpegProcess.Start(ffmpeg.FfmpegPath, BuildArguments(settings, tempPath),
            new FfmpegRunOptions
            {
                WriteStdin = true,
                OnStderrLine = line => encoder?.OnStderrLine(line) ?? FfmpegProgressParser.IsProgressLine(line),
                TimeLimit = ffmpeg.EncodeLimit,
                TimeLimitSetting = "Ffmpeg:EncodeSeconds",
                Nice = settings.Nice,
            }, ffmpeg.Processes);
        encoder = new VideoEncoder(settings, process, tempPath);
        return Task.FromResult(encoder);
    }

    /// <summary>Writes one frame in the settings' <see cref="VideoEncoderSettings.InputFormat"/> (RGB24: Width x Height x 3 bytes, rows top-down).</summary>
    public async Task WriteFrameAsync(ReadOnlyMemory<byte> frame, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (frame.Length != _frameBytes)
            throw new ArgumentException($"A {_settings.InputFormat} frame of {_settings.Width}x{_settings.Height} is {_frameBytes} bytes, got {frame.Length}.", nameof(frame));
        if (_framesWritten >= _settings.FrameCount)
            throw new InvalidOperationException($"All {_settings.FrameCount} frames were written already.");
        if (_process.HasExited)
            throw await FailAsync($"ffmpeg stopped before frame {_framesWritten + 1} of {_settings.FrameCount}", null).ConfigureAwait(false);

        // A write blocked on a full pipe does not observe the token on Unix: killing ffmpeg breaks the pipe.
        using (ct.UnsafeRegister(static p => ((FfmpegProcess)p!).KillNow(), _process))
        {
            try
            {
                await _process.Input.WriteAsync(frame, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
                if (ct.IsCancellationRequested)
                {
                    await AbortAsync().ConfigureAwait(false);
                    throw new OperationCanceledException("Encoding was cancelled.", e, ct);
                }
                throw await FailAsync($"ffmpeg stopped while receiving frame {_framesWritten + 1} of {_settings.FrameCount}", e).ConfigureAwait(false);
            }
        }
        _framesWritten++;
    }

    /// <summary>Closes stdin, waits for ffmpeg, checks the result and moves it to the output path.</summary>
    public async Task<VideoEncodeResult> CompleteAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (_framesWritten != _settings.FrameCount)
        {
            await AbortAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"Only {_framesWritten} of {_settings.FrameCount} frames were written; the video was discarded.");
        }
        int exit;
        try
        {
            await _process.Input.FlushAsync(ct).ConfigureAwait(false);
            _process.CloseInput();
            exit = await _process.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await AbortAsync().ConfigureAwait(false);
            throw;
        }
        catch (IOException e)
        {
            throw await FailAsync("ffmpeg stopped before the last frames were flushed", e).ConfigureAwait(false);
        }
        if (exit != 0)
            throw await FailAsync("Video encoding failed", null).ConfigureAwait(false);

        var temp = new FileInfo(_tempPath);
        if (!temp.Exists || temp.Length == 0)
            throw await FailAsync("ffmpeg exited without writing a video", null).ConfigureAwait(false);
        var maxBytes = (_settings.Ffmpeg ?? FfmpegOptions.Default).MaxOutputBytes;
        if (temp.Length >= maxBytes)
            throw await FailAsync($"The video reached the output size limit of {maxBytes} bytes (Ffmpeg:MaxOutputBytes) and was discarded", null).ConfigureAwait(false);
        File.Move(_tempPath, Path.GetFullPath(_settings.OutputPath), overwrite: true);
        _finished = true;
        await _process.DisposeAsync().ConfigureAwait(false);
        return new VideoEncodeResult(_settings.OutputPath, _settings.FrameCount, _settings.DurationSeconds, temp.Length, _clock.Elapsed);
    }

    /// <summary>Before <see cref="CompleteAsync"/> succeeded: kills ffmpeg and deletes the partial file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_finished) return;
        await AbortAsync().ConfigureAwait(false);
    }

    private async Task AbortAsync()
    {
        _finished = true;
        await _process.KillAsync().ConfigureAwait(false);
        await _process.DisposeAsync().ConfigureAwait(false);
        TryDelete(_tempPath);
    }

    private async Task<SonicEngineException> FailAsync(string what, Exception? inner)
    {
        // Let ffmpeg finish dying so its last stderr lines (the actual reason) are in the tail.
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
        {
            try { await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { /* killed by WaitForExitAsync */ }
        }
        var error = _process.Failure(EngineErrorCodes.EncoderFailed, what, inner);
        await AbortAsync().ConfigureAwait(false);
        return error;
    }

    private bool OnStderrLine(string line)
    {
        if (!FfmpegProgressParser.IsProgressLine(line)) return false;
        if (_progressParser.AddLine(line) is { } block) _lastProgress = block;
        return true;
    }

    private static FfmpegArguments BuildArguments(VideoEncoderSettings s, string tempPath)
    {
        var args = new FfmpegArguments()
            .Flag("-hide_banner").Option("-v", "error").Flag("-nostats").Option("-progress", "pipe:2")
            .Option("-f", "rawvideo").Option("-pix_fmt", s.InputFormat == RawFrameFormat.Yuv420p ? "yuv420p" : "rgb24").Option("-s", $"{s.Width}x{s.Height}")
            .Option("-framerate", s.Fps).InputStdin();
        if (s.AudioPath != null)
            args.Option("-protocol_whitelist", "file").Option("-format_whitelist", MediaProbe.AudioDemuxers)
                .InputFile(s.AudioPath);

        // No -frames:v: in ffmpeg 5.1 reaching a stream's frame limit closes every stream of the output,
        // which cut the (lagging) audio short. The frame count is enforced on our side of the pipe instead.
        args.Option("-map", "0:v:0")
            .Option("-c:v", "libx264").Option("-preset", s.Preset).Option("-crf", s.Crf)
            .Option("-pix_fmt", "yuv420p");
        if (s.Threads > 0) args.Option("-threads", s.Threads);

        if (s.AudioPath != null)
        {
            // Exactly as long as the video: pad with silence, then cut, counted in samples at 48 kHz.
            long samples = (long)Math.Round(s.FrameCount * (double)AudioSampleRate / s.Fps);
            args.Option("-map", "1:a:0")
                .Option("-af", $"aresample={AudioSampleRate},apad=whole_len={samples},atrim=end_sample={samples}")
                .Option("-c:a", "aac").Option("-b:a", "128k").Option("-ar", AudioSampleRate);
        }
        // A size limit on the file (Ffmpeg:MaxOutputBytes): ffmpeg stops writing there; CompleteAsync then fails the video.
        var maxBytes = (s.Ffmpeg ?? FfmpegOptions.Default).MaxOutputBytes;
        return args.Option("-fs", maxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Option("-movflags", "+faststart").Option("-f", "mp4").Flag("-y").OutputFile(tempPath);
    }

    private static void Validate(VideoEncoderSettings s)
    {
        static void Require(bool ok, string message)
        {
            if (!ok) throw new SonicEngineException(EngineErrorCodes.InvalidParameter, message);
        }
        Require(s.Width >= 2 && s.Height >= 2 && s.Width % 2 == 0 && s.Height % 2 == 0,
            $"Video size must be even and at least 2x2; got {s.Width}x{s.Height}.");
        Require(s.Fps is >= 1 and <= 120, $"Fps must be between 1 and 120; got {s.Fps}.");
        Require(s.FrameCount >= 1, $"FrameCount must be at least 1; got {s.FrameCount}.");
        Require(s.Crf is >= 0 and <= 51, $"Crf must be between 0 and 51; got {s.Crf}.");
        Require(s.Threads >= 0, $"Threads must be 0 (auto) or more; got {s.Threads}.");
        Require(X264Presets.Contains(s.Preset), $"Preset must be one of {string.Join(", ", X264Presets)}; got '{s.Preset}'.");
        Require(!string.IsNullOrWhiteSpace(s.OutputPath), "OutputPath is required.");
        if (s.AudioPath != null && !File.Exists(s.AudioPath))
            throw new SonicEngineException(EngineErrorCodes.EncoderFailed, $"The audio file '{s.AudioPath}' to mux does not exist.");
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
