using System.Buffers.Binary;

namespace SonicWeb.Engine.Media;

/// <summary>
/// Reads the EXIF Orientation tag (0x0112, values 1-8) from a PNG's "eXIf" chunk. Skia reports the
/// orientation of JPEG and WebP files itself (SKCodec.EncodedOrigin) but not PNG's, so this is the one
/// format we read ourselves. Pure code; returns 1 (as stored, no transform) when the tag is absent, the
/// file is not a PNG or the metadata is malformed, because a bad tag must never make an image unreadable.
/// </summary>
public static class ExifOrientationReader
{
    private const ushort OrientationTag = 0x0112;

    public static int Read(ReadOnlySpan<byte> file)
    {
        var tiff = file.Length >= 8 && file[..8].SequenceEqual(ImageFormats.PngSignature) ? FindInPng(file) : default;
        return tiff.IsEmpty ? 1 : ReadOrientationFromTiff(tiff);
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
