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
    /// Why the file is cut short, or null when its container is complete. Decoders treat a cut file
    /// differently (ffmpeg and libjpeg decode a cut JPEG "successfully", grey below the cut; libwebp may
    /// call a cut WebP "invalid"; a PNG cut after its pixel data decodes whole), so completeness is
    /// decided here, from the container, the same way for every decoder.
    /// </summary>
    public static string? TruncationReason(ReadOnlySpan<byte> file, ImageFormat format) => format switch
    {
        ImageFormat.Png => PngIsComplete(file) ? null : "it ends before its IEND chunk",
        ImageFormat.Jpeg => JpegHasEnd(file) ? null : "it has no end-of-image marker after its image data",
        ImageFormat.WebP => WebPIsComplete(file) ? null : "it is shorter than its RIFF header says",
        _ => null,
    };

    /// <summary>
    /// True when the marker segments lead to the main image's start of scan (FF DA; an EXIF thumbnail,
    /// itself a small JPEG inside APP1, is skipped by its segment length) and an end-of-image marker
    /// (FF D9) follows it. Inside entropy-coded data FF is only ever followed by 00 or a restart marker,
    /// so any FF D9 there is a real end (or data appended after it, as in motion photos, which is fine).
    /// </summary>
    private static bool JpegHasEnd(ReadOnlySpan<byte> f)
    {
        int scan = FindJpegSegment(f, marker => marker == 0xDA);
        return scan >= 0 && f[(scan + 2)..].LastIndexOf([(byte)0xFF, (byte)0xD9]) >= 0;
    }

    /// <summary>Walks the chunks (length, type, data, CRC) from the signature to IEND.</summary>
    private static bool PngIsComplete(ReadOnlySpan<byte> f)
    {
        long pos = 8;
        while (pos + 12 <= f.Length)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(f[(int)pos..]);
            if (f.Slice((int)pos + 4, 4).SequenceEqual("IEND"u8)) return true;
            pos += 12L + length;
        }
        return false;
    }

    /// <summary>The RIFF header's size field counts every byte after it.</summary>
    private static bool WebPIsComplete(ReadOnlySpan<byte> f)
        => f.Length >= 12 && BinaryPrimitives.ReadUInt32LittleEndian(f[4..]) + 8L <= f.Length;

    /// <summary>IHDR is always the first chunk: width and height are big-endian at bytes 16 and 20.</summary>
    private static (int, int)? PngSize(ReadOnlySpan<byte> f) =>
        f.Length >= 24 && f.Slice(12, 4).SequenceEqual("IHDR"u8)
            ? ((int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(f[16..]), int.MaxValue),
               (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(f[20..]), int.MaxValue))
            : null;

    /// <summary>The first SOFn frame header's size (height, then width).</summary>
    private static (int, int)? JpegSize(ReadOnlySpan<byte> f)
    {
        int frame = FindJpegSegment(f, IsFrameHeader);
        return frame >= 0 && frame + 9 <= f.Length
            ? (BinaryPrimitives.ReadUInt16BigEndian(f[(frame + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(f[(frame + 5)..]))
            : null;
    }

    /// <summary>SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).</summary>
    private static bool IsFrameHeader(byte marker) => marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;

    /// <summary>
    /// Walks a JPEG's top-level marker segments from the start and returns the position of the first one
    /// <paramref name="wanted"/> accepts; -1 when the walk meets a scan or an end first, leaves the marker
    /// structure or runs out of bytes. Segments are skipped by their length, so data inside them (an EXIF
    /// thumbnail, say) is never mistaken for markers.
    /// </summary>
    private static int FindJpegSegment(ReadOnlySpan<byte> f, Func<byte, bool> wanted)
    {
        int pos = 2;
        while (pos + 4 <= f.Length)
        {
            if (f[pos] != 0xFF) return -1;
            byte marker = f[pos + 1];
            if (marker == 0xFF) { pos++; continue; }                                       // fill byte
            if (marker is 0xD8 or 0x01 || marker is >= 0xD0 and <= 0xD7) { pos += 2; continue; } // no length
            if (wanted(marker)) return pos;
            if (marker is 0xD9 or 0xDA) return -1;
            int length = BinaryPrimitives.ReadUInt16BigEndian(f[(pos + 2)..]);
            if (length < 2) return -1;
            pos += 2 + length;
        }
        return -1;
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
