using System.Runtime.InteropServices;
using SonicWeb.Engine.Audio;
using SonicWeb.Engine.Errors;

namespace SonicWeb.Engine.Media;

/// <summary>
/// Loads a voice recording for analysis: 16 kHz mono float32 samples. Checks file size, probes (it must
/// contain an audio stream, in one of the accepted containers), checks the duration limits, then decodes
/// through ffmpeg's f32le pipe. The original file stays untouched; the encoder muxes it directly.
/// </summary>
public static class AudioLoader
{
    public const string AcceptedDescription = "WAV, MP3, M4A/AAC, OGG (Opus or Vorbis), FLAC";

    public static Task<AudioClip> LoadAsync(string path, MediaLimits limits, CancellationToken ct) =>
        LoadAsync(path, limits, FfmpegOptions.Default, ct);

    public static async Task<AudioClip> LoadAsync(string path, MediaLimits limits, FfmpegOptions ffmpeg, CancellationToken ct)
    {
        var name = Path.GetFileName(path);
        MediaText.RequireFile(path, "audio", limits.MaxAudioBytes, "Engine:Limits:MaxAudioBytes",
            EngineErrorCodes.UnsupportedAudio, EngineErrorCodes.AudioEmpty);
        await RejectImagesAsync(path, name, ct).ConfigureAwait(false);

        // The probe (ffprobe) and the decode (ffmpeg, of the first audio stream: the one the probe picks) run side by
        // side, one process start off a job's fixed start; the probe's verdict still comes first, and a decode it
        // refuses is stopped.
        using var stopDecode = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var decode = DecodeAsync(path, limits, ffmpeg, stopDecode.Token);
        double? probed;
        try
        {
            var info = await MediaProbe.ProbeAsync(path, new MediaProbeOptions
            {
                Ffmpeg = ffmpeg,
                FormatWhitelist = MediaProbe.AudioDemuxers,
                FailureCode = EngineErrorCodes.UnsupportedAudio,
            }, ct).ConfigureAwait(false);
            var audio = info.FirstAudio
                ?? throw Unsupported($"'{name}' contains no audio (found: {info.DescribeStreams()}). Accepted: {AcceptedDescription}.");

            probed = info.DurationSeconds ?? audio.DurationSeconds;
            if (probed > limits.MaxAudioSeconds)
                throw TooLong(probed.Value, limits);
        }
        catch
        {
            await stopDecode.CancelAsync().ConfigureAwait(false);
            try { await decode.ConfigureAwait(false); } catch { /* the probe's error is the one to report */ }
            throw;
        }

        var samples = await decode.ConfigureAwait(false);
        double duration = probed is > 0 ? probed.Value : samples.Length / (double)AudioClip.AnalysisSampleRate;
        if (samples.Length == 0)
            throw new SonicEngineException(EngineErrorCodes.AudioEmpty, $"The audio in '{name}' contains no samples.");
        if (duration < limits.MinAudioSeconds)
            throw new SonicEngineException(EngineErrorCodes.AudioEmpty,
                $"The audio is {MediaText.Seconds(duration)} long; the minimum is {MediaText.Seconds(limits.MinAudioSeconds)} (Engine:Limits:MinAudioSeconds).")
            { Setting = "Limits:MinAudioSeconds" };
        return new AudioClip(samples, AudioClip.AnalysisSampleRate, duration);
    }

    /// <summary>An image named .wav must fail as "not audio", and ffmpeg must never see it as an image sequence.</summary>
    private static async Task RejectImagesAsync(string path, string name, CancellationToken ct)
    {
        var head = new byte[16];
        await using var stream = File.OpenRead(path);
        int n = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        var format = ImageFormats.Detect(head.AsSpan(0, n));
        if (format != ImageFormat.Unknown)
            throw Unsupported($"'{name}' is a {format} image, not audio. Accepted: {AcceptedDescription}.");
    }

    private static async Task<float[]> DecodeAsync(string path, MediaLimits limits, FfmpegOptions ffmpeg, CancellationToken ct)
    {
        var args = new FfmpegArguments()
            .Flag("-hide_banner").Flag("-nostdin").Option("-v", "error")
            .Option("-protocol_whitelist", "file")
            .Option("-format_whitelist", MediaProbe.AudioDemuxers)
            .InputFile(path)
            .Option("-map", "0:a:0")
            .Flag("-vn").Flag("-sn").Flag("-dn")
            .Option("-ac", 1).Option("-ar", AudioClip.AnalysisSampleRate)
            .Option("-f", "f32le").OutputStdout();

        // The probe's duration can be missing or wrong (raw AAC, damaged headers): cap the decoded length too.
        long maxBytes = (long)((limits.MaxAudioSeconds + 1) * AudioClip.AnalysisSampleRate) * sizeof(float);
        var pcm = new MemoryStream();
        using var overLimit = new CancellationTokenSource();
        await using var process = FfmpegProcess.Start(ffmpeg.FfmpegPath, args, new FfmpegRunOptions
        {
            ReadStdout = async (stdout, token) =>
            {
                var buffer = new byte[65536];
                int read;
                while ((read = await stdout.ReadAsync(buffer, token).ConfigureAwait(false)) > 0)
                {
                    if (pcm.Length + read > maxBytes) { overLimit.Cancel(); break; }
                    pcm.Write(buffer, 0, read);
                }
            },
            TimeLimit = ffmpeg.ReadLimit,
        }, ffmpeg.Processes);
        using var stopOrCancel = CancellationTokenSource.CreateLinkedTokenSource(ct, overLimit.Token);
        int exit;
        try
        {
            exit = await process.WaitForExitAsync(stopOrCancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (overLimit.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            // WaitForExitAsync has killed ffmpeg already.
            throw TooLong(maxBytes / (double)(AudioClip.AnalysisSampleRate * sizeof(float)) - 1, limits, atLeast: true);
        }
        if (exit != 0)
            throw process.Failure(EngineErrorCodes.UnsupportedAudio, $"The audio in '{Path.GetFileName(path)}' could not be decoded");

        var samples = new float[pcm.Length / sizeof(float)];
        MemoryMarshal.Cast<byte, float>(pcm.GetBuffer().AsSpan(0, samples.Length * sizeof(float))).CopyTo(samples);
        return samples;
    }

    private static SonicEngineException TooLong(double seconds, MediaLimits limits, bool atLeast = false) =>
        new(EngineErrorCodes.AudioTooLong,
            $"The audio is {(atLeast ? "more than " : "")}{MediaText.Seconds(seconds)} long; the limit is {MediaText.Seconds(limits.MaxAudioSeconds)} (Engine:Limits:MaxAudioSeconds).")
        { Setting = "Limits:MaxAudioSeconds" };

    private static SonicEngineException Unsupported(string message) => new(EngineErrorCodes.UnsupportedAudio, message);
}
