namespace SonicWeb.Engine.Media;

/// <summary>
/// What kind of file an upload is, from its leading bytes (never its name or declared type). The probe
/// and the loaders that follow are the real decision; this only turns obvious mistakes (a PDF as the
/// photo, an image as the recording) into a fast, clear refusal, and sorts a zip's files into photos
/// and recordings.
/// </summary>
public static class MediaSniffer
{
    /// <summary>Bytes that decide the type: every signature we know sits in the first 12.</summary>
    public const int HeadLength = 64;

    public static async Task<byte[]> ReadHeadAsync(string path, CancellationToken ct) => await ReadHeadAsync(path, HeadLength, ct).ConfigureAwait(false);

    /// <summary>Up to <paramref name="max"/> leading bytes of the file (fewer when it is shorter).</summary>
    public static async Task<byte[]> ReadHeadAsync(string path, int max, CancellationToken ct)
    {
        var head = new byte[max];
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: true);
        int n = await stream.ReadAtLeastAsync(head, max, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        return head[..n];
    }

    /// <summary>The image format, or Unknown.</summary>
    public static ImageFormat Image(ReadOnlySpan<byte> head) => ImageFormats.Detect(head);

    /// <summary>A short name of the audio container when the signature is one we accept (also the stored file's extension), else null.</summary>
    public static string? Audio(ReadOnlySpan<byte> h)
    {
        if (Starts(h, "RIFF"u8) && h.Length >= 12 && h[8..12].SequenceEqual("WAVE"u8)) return "wav";
        if (Starts(h, "RF64"u8) || Starts(h, "riff"u8)) return "wav";
        if (Starts(h, "ID3"u8)) return "mp3";
        if (h.Length >= 2 && h[0] == 0xFF && (h[1] & 0xE0) == 0xE0)
            return (h[1] & 0x06) == 0 ? "aac" : "mp3"; // ADTS has layer bits 00; MPEG audio frames do not
        if (h.Length >= 12 && h[4..8].SequenceEqual("ftyp"u8)) return "m4a";
        if (Starts(h, "OggS"u8)) return "ogg";
        if (Starts(h, "fLaC"u8)) return "flac";
        if (Starts(h, [0x1A, 0x45, 0xDF, 0xA3])) return "webm";
        if (Starts(h, "FORM"u8) && h.Length >= 12 && (h[8..12].SequenceEqual("AIFF"u8) || h[8..12].SequenceEqual("AIFC"u8))) return "aiff";
        if (Starts(h, "caff"u8)) return "caf";
        return null;
    }

    private static bool Starts(ReadOnlySpan<byte> h, ReadOnlySpan<byte> prefix) => h.StartsWith(prefix);
}
