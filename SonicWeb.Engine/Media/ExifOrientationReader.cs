using System.Buffers.Binary;

namespace SonicWeb.Engine.Media;

/// <summary>
/// Reads the EXIF Orientation tag (0x0112, values 1-8) from image file bytes: JPEG APP1 "Exif" segments,
/// the WebP "EXIF" chunk and the PNG "eXIf" chunk. Pure code; returns 1 (as stored, no transform) when the
/// tag is absent or the metadata is malformed, because a bad tag must never make an image unreadable.
/// </summary>
public static class ExifOrientationReader
{
    private const ushort OrientationTag = 0x0112;

    public static int Read(ReadOnlySpan<byte> file)
    {
        var tiff = FindTiffBlock(file);
        return tiff.IsEmpty ? 1 : ReadOrientationFromTiff(tiff);
    }

    /// <summary>The TIFF-structured EXIF block inside a JPEG, WebP or PNG file; empty when there is none.</summary>
    private static ReadOnlySpan<byte> FindTiffBlock(ReadOnlySpan<byte> file)
    {
        if (file.Length >= 4 && file[0] == 0xFF && file[1] == 0xD8) return FindInJpeg(file);
        if (file.Length >= 12 && file[..4].SequenceEqual("RIFF"u8) && file.Slice(8, 4).SequenceEqual("WEBP"u8)) return FindInWebP(file);
        if (file.Length >= 8 && file[..8].SequenceEqual(ImageFormats.PngSignature)) return FindInPng(file);
        return default;
    }

    private static ReadOnlySpan<byte> FindInJpeg(ReadOnlySpan<byte> file)
    {
        int pos = 2;
        while (pos + 4 <= file.Length)
        {
            if (file[pos] != 0xFF) return default;
            byte marker = file[pos + 1];
            if (marker == 0xFF) { pos++; continue; }                  // fill byte
            if (marker == 0xD8 || marker is >= 0xD0 and <= 0xD7) { pos += 2; continue; } // no length
            if (marker == 0xDA || marker == 0xD9) return default;     // start of scan / end: metadata is over
            int length = BinaryPrimitives.ReadUInt16BigEndian(file[(pos + 2)..]);
            if (length < 2 || pos + 2 + length > file.Length) return default;
            var payload = file.Slice(pos + 4, length - 2);
            if (marker == 0xE1 && payload.Length > 6 && payload[..6].SequenceEqual("Exif\0\0"u8))
                return payload[6..];
            pos += 2 + length;
        }
        return default;
    }

    private static ReadOnlySpan<byte> FindInWebP(ReadOnlySpan<byte> file)
    {
        int pos = 12;
        while (pos + 8 <= file.Length)
        {
            var fourCc = file.Slice(pos, 4);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(file[(pos + 4)..]);
            if (size > (uint)(file.Length - pos - 8)) return default;
            if (fourCc.SequenceEqual("EXIF"u8))
            {
                var data = file.Slice(pos + 8, (int)size);
                // Some writers keep the JPEG-style "Exif\0\0" prefix inside the chunk.
                return data.Length > 6 && data[..6].SequenceEqual("Exif\0\0"u8) ? data[6..] : data;
            }
            pos += 8 + (int)size + (int)(size & 1); // chunks are padded to an even size
        }
        return default;
    }

    private static ReadOnlySpan<byte> FindInPng(ReadOnlySpan<byte> file)
    {
        int pos = 8;
        while (pos + 12 <= file.Length)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(file[pos..]);
            if (length > (uint)(file.Length - pos - 12)) return default;
            var type = file.Slice(pos + 4, 4);
            if (type.SequenceEqual("eXIf"u8)) return file.Slice(pos + 8, (int)length);
            if (type.SequenceEqual("IEND"u8)) return default;
            pos += 12 + (int)length;
        }
        return default;
    }

    /// <summary>Finds tag 0x0112 in IFD0 of a TIFF header ("II*\0" little-endian or "MM\0*" big-endian).</summary>
    internal static int ReadOrientationFromTiff(ReadOnlySpan<byte> tiff)
    {
        if (tiff.Length < 8) return 1;
        bool little;
        if (tiff[0] == (byte)'I' && tiff[1] == (byte)'I') little = true;
        else if (tiff[0] == (byte)'M' && tiff[1] == (byte)'M') little = false;
        else return 1;
        if (U16(tiff, 2, little) != 42) return 1;
        uint ifd = U32(tiff, 4, little);
        if (ifd > (uint)tiff.Length - 2) return 1;
        int count = U16(tiff, (int)ifd, little);
        for (int i = 0; i < count; i++)
        {
            int entry = (int)ifd + 2 + i * 12;
            if (entry + 12 > tiff.Length) return 1;
            if (U16(tiff, entry, little) != OrientationTag) continue;
            int type = U16(tiff, entry + 2, little);
            // SHORT (3) is what the standard says; LONG (4) appears in the wild. Both store inline.
            int value = type switch
            {
                3 => U16(tiff, entry + 8, little),
                4 => (int)Math.Min(U32(tiff, entry + 8, little), int.MaxValue),
                _ => 1,
            };
            return value is >= 1 and <= 8 ? value : 1;
        }
        return 1;
    }

    private static ushort U16(ReadOnlySpan<byte> b, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(b[at..]) : BinaryPrimitives.ReadUInt16BigEndian(b[at..]);

    private static uint U32(ReadOnlySpan<byte> b, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(b[at..]) : BinaryPrimitives.ReadUInt32BigEndian(b[at..]);
}
