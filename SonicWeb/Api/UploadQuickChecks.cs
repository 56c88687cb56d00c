using System.Buffers.Binary;
using System.Globalization;
using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Media;

namespace SonicWeb.Api;

/// <summary>
/// Checks that read only a file's header and cost microseconds, so they run in every upload request,
/// busy or not: the photo's stored size against the pixel limits (image_too_large) and a WAV's length
/// from its RIFF header (audio_too_long). Anything they cannot tell is left to the full check. An
/// ffprobe call would tell the length of every format but costs ~0.1 s of CPU (a process per upload),
/// which 20 uploads at once cannot afford in the request (measured, docs/web.md "Upload checks").
/// </summary>
public static class UploadQuickChecks
{
    /// <summary>JPEG size markers may follow large EXIF blocks; 256 KB covers them without reading the whole photo.</summary>
    private const int ImageHeadBytes = 256 * 1024;
    private const int WavHeadBytes = 64 * 1024;

    public static async Task CheckImageAsync(string path, MediaLimits limits, CancellationToken ct)
    {
        var head = await ReadHeadAsync(path, ImageHeadBytes, ct);
        if (ImageFormats.ReadHeader(head) is { } header) ImageLoader.CheckDimensions(header, limits);
    }

    public static async Task CheckWavAsync(string path, MediaLimits limits, CancellationToken ct)
    {
        var seconds = WavSeconds(await ReadHeadAsync(path, WavHeadBytes, ct), new FileInfo(path).Length);
        if (seconds > limits.MaxAudioSeconds)
            throw new SonicEngineException(EngineErrorCodes.AudioTooLong,
                $"The audio is {Seconds(seconds.Value)} long; the limit is {Seconds(limits.MaxAudioSeconds)} (Engine:Limits:MaxAudioSeconds).");
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

    private static string Seconds(double s) => s.ToString("0.0##", CultureInfo.InvariantCulture) + " s";

    private static async Task<byte[]> ReadHeadAsync(string path, int max, CancellationToken ct)
    {
        var head = new byte[max];
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: true);
        int n = await stream.ReadAtLeastAsync(head, max, throwOnEndOfStream: false, ct);
        return head[..n];
    }
}
