using System.Buffers.Binary;

namespace SonicWeb.Engine.Media;

public enum ImageFormat { Unknown, Png, Jpeg, WebP }

/// <summary>An image's container type and stored size (before any EXIF rotation).</summary>
public sealed record ImageHeader(ImageFormat Format, int Width, int Height)
{
    public long Pixels => (long)Width * Height;
}

/// <summary>
/// Recognises accepted image types by their first bytes (never by file name) and reads the stored size from
/// the header, so limits are checked before anything is decoded (a 1 MB PNG can expand to gigabytes).
/// </summary>
public static class ImageFormats
{
    public const string AcceptedDescription = "PNG, JPEG or WebP";

    internal static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static ImageFormat Detect(ReadOnlySpan<byte> file)
    {
        if (file.Length >= 8 && file[..8].SequenceEqual(PngSignature)) return ImageFormat.Png;
        if (file.Length >= 3 && file[0] == 0xFF && file[1] == 0xD8 && file[2] == 0xFF) return ImageFormat.Jpeg;
        if (file.Length >= 12 && file[..4].SequenceEqual("RIFF"u8) && file.Slice(8, 4).SequenceEqual("WEBP"u8)) return ImageFormat.WebP;
        return ImageFormat.Unknown;
    }

    /// <summary>ffmpeg demuxer for the format, so ffmpeg never guesses from the file name.</summary>
    public static string FfmpegDemuxer(ImageFormat format) => format switch
    {
        ImageFormat.Png => "png_pipe",
        ImageFormat.Jpeg => "jpeg_pipe",
        ImageFormat.WebP => "webp_pipe",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>Format and stored size, or null when the header is missing or cut short.</summary>
    public static ImageHeader? ReadHeader(ReadOnlySpan<byte> file)
    {
        var format = Detect(file);
        (int W, int H)? size = format switch
        {
            ImageFormat.Png => PngSize(file),
            ImageFormat.Jpeg => JpegSize(file),
            ImageFormat.WebP => WebPSize(file),
            _ => null,
        };
        return size is { W: > 0, H: > 0 } s ? new ImageHeader(format, s.W, s.H) : null;
    }

    /// <summary>
    /// False for a JPEG cut short: ffmpeg decodes those "successfully" (grey below the cut, exit code 0), so
    /// the file must show an end-of-image marker (FF D9) after its first start-of-scan (FF DA). Inside
    /// entropy-coded data FF is only ever followed by 00 or a restart marker, so any FF D9 there is a real
    /// end (or data appended after it, as in motion photos, which is fine).
    /// </summary>
    public static bool JpegHasEnd(ReadOnlySpan<byte> file)
    {
        int scan = file.IndexOf([(byte)0xFF, (byte)0xDA]);
        int end = file.LastIndexOf([(byte)0xFF, (byte)0xD9]);
        return scan >= 0 && end > scan;
    }

    /// <summary>IHDR is always the first chunk: width and height are big-endian at bytes 16 and 20.</summary>
    private static (int, int)? PngSize(ReadOnlySpan<byte> f) =>
        f.Length >= 24 && f.Slice(12, 4).SequenceEqual("IHDR"u8)
            ? ((int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(f[16..]), int.MaxValue),
               (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(f[20..]), int.MaxValue))
            : null;

    /// <summary>Walks the marker segments to the first SOFn frame header (height, then width).</summary>
    private static (int, int)? JpegSize(ReadOnlySpan<byte> f)
    {
        int pos = 2;
        while (pos + 4 <= f.Length)
        {
            if (f[pos] != 0xFF) return null;
            byte marker = f[pos + 1];
            if (marker == 0xFF) { pos++; continue; }
            if (marker is 0xD8 or 0x01 || marker is >= 0xD0 and <= 0xD7) { pos += 2; continue; }
            if (marker is 0xD9 or 0xDA) return null; // no frame header before the scan
            int length = BinaryPrimitives.ReadUInt16BigEndian(f[(pos + 2)..]);
            // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
                return pos + 9 <= f.Length
                    ? (BinaryPrimitives.ReadUInt16BigEndian(f[(pos + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(f[(pos + 5)..]))
                    : null;
            if (length < 2) return null;
            pos += 2 + length;
        }
        return null;
    }

    /// <summary>Simple lossy (VP8), lossless (VP8L) and extended (VP8X) WebP headers.</summary>
    private static (int, int)? WebPSize(ReadOnlySpan<byte> f)
    {
        if (f.Length < 30) return null;
        var chunk = f.Slice(12, 4);
        if (chunk.SequenceEqual("VP8 "u8))
        {
            // Frame tag (3 bytes), start code 9d 01 2a, then 14-bit width and height.
            if (f[23] != 0x9D || f[24] != 0x01 || f[25] != 0x2A) return null;
            return (BinaryPrimitives.ReadUInt16LittleEndian(f[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(f[28..]) & 0x3FFF);
        }
        if (chunk.SequenceEqual("VP8L"u8))
        {
            if (f[20] != 0x2F) return null;
            uint bits = BinaryPrimitives.ReadUInt32LittleEndian(f[21..]);
            return ((int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
        }
        if (chunk.SequenceEqual("VP8X"u8))
        {
            int w = 1 + (f[24] | f[25] << 8 | f[26] << 16);
            int h = 1 + (f[27] | f[28] << 8 | f[29] << 16);
            return (w, h);
        }
        return null;
    }
}
