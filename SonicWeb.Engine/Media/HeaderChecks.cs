using System.Buffers.Binary;
using SonicWeb.Engine.Errors;

namespace SonicWeb.Engine.Media;

/// <summary>
/// Limits that can be checked from a file's header alone, in microseconds: the photo's stored size
/// against the pixel limits (image_too_large) and a WAV's length from its RIFF header (audio_too_long).
/// A server can run them on every upload however busy it is; what they cannot tell is left to the
/// loaders. (An ffprobe call would tell the length of every format but costs ~0.1 s of CPU per file.)
/// </summary>
public static class HeaderChecks
{
    /// <summary>JPEG size markers may follow large EXIF blocks; 256 KB covers them without reading the whole photo.</summary>
    private const int ImageHeadBytes = 256 * 1024;
    private const int WavHeadBytes = 64 * 1024;

    public static async Task CheckImageAsync(string path, MediaLimits limits, CancellationToken ct)
    {
        var head = await MediaSniffer.ReadHeadAsync(path, ImageHeadBytes, ct).ConfigureAwait(false);
        if (ImageFormats.ReadHeader(head) is { } header) ImageLoader.CheckDimensions(header, limits);
    }

    public static async Task CheckWavAsync(string path, MediaLimits limits, CancellationToken ct)
    {
        var seconds = WavSeconds(await MediaSniffer.ReadHeadAsync(path, WavHeadBytes, ct).ConfigureAwait(false), new FileInfo(path).Length);
        if (seconds > limits.MaxAudioSeconds)
            throw new SonicEngineException(EngineErrorCodes.AudioTooLong,
                $"The audio is {MediaText.Seconds(seconds.Value)} long; the limit is {MediaText.Seconds(limits.MaxAudioSeconds)}.")
            { Setting = "Limits:MaxAudioSeconds" };
    }

    /// <summary>
    /// Length of a RIFF/WAVE file from its "fmt " byte rate and "data" size (never more than the file
    /// holds, so a header that overstates cannot refuse a short file); null when the header does not say.
    /// </summary>
    public static double? WavSeconds(ReadOnlySpan<byte> head, long fileLength)
    {
        if (head.Length < 12 || !head[..4].SequenceEqual("RIFF"u8) || !head[8..12].SequenceEqual("WAVE"u8)) return null;
        uint byteRate = 0;
        long at = 12;
        while (at + 8 <= head.Length)
        {
            var chunk = head[(int)at..];
            var id = chunk[..4];
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(chunk.Slice(4, 4));
            if (id.SequenceEqual("fmt "u8) && chunk.Length >= 20)
                byteRate = BinaryPrimitives.ReadUInt32LittleEndian(chunk.Slice(16, 4));
            else if (id.SequenceEqual("data"u8))
                return byteRate == 0 || size == 0 ? null : Math.Min(size, Math.Max(0, fileLength - at - 8)) / (double)byteRate;
            at += 8 + size + (size & 1); // chunks are padded to even sizes
        }
        return null;
    }
}
