using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SonicWeb.Engine.Imaging;

/// <summary>
/// A small baseline JPEG encoder (ITU T.81): JFIF YCbCr with 4:2:0 chroma, the example quantisation and
/// Huffman tables of Annex K, quality scaled the way the IJG library does it. Written for preview frames
/// (a few milliseconds at 512x512, single-threaded); not a replacement for a full encoder.
/// </summary>
[SkipLocalsInit]
public static class JpegEncoder
{
    /// <summary>Encodes the image; quality 1 (smallest) to 100 (best), 85 is a good preview setting.</summary>
    public static byte[] Encode(RgbImage image, int quality = 85)
    {
        quality = Math.Clamp(quality, 1, 100);
        var luma = JpegTables.ScaledQuantTable(JpegTables.LuminanceQuant, quality);
        var chroma = JpegTables.ScaledQuantTable(JpegTables.ChrominanceQuant, quality);
        var writer = new JpegBitWriter(image.Width * image.Height / 4 + 1024);
        WriteHeaders(writer, image.Width, image.Height, luma, chroma);
        EncodeScan(writer, image, luma, chroma);
        writer.FlushBits();
        writer.WriteMarker(0xD9); // EOI
        return writer.ToArray();
    }

    private static void WriteHeaders(JpegBitWriter w, int width, int height, byte[] luma, byte[] chroma)
    {
        w.WriteMarker(0xD8); // SOI
        // APP0 JFIF 1.01, no density units, aspect 1:1, no thumbnail.
        w.WriteMarker(0xE0);
        w.WriteBytes([0, 16, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);

        // DQT: both tables, 8-bit precision, in zigzag order.
        w.WriteMarker(0xDB);
        w.WriteUInt16(2 + 2 * 65);
        foreach (var (id, table) in new[] { (0, luma), (1, chroma) })
        {
            w.WriteByte((byte)id);
            for (int k = 0; k < 64; k++) w.WriteByte(table[JpegTables.ZigZag[k]]);
        }

        // SOF0 baseline: Y sampled 2x2, Cb and Cr 1x1 (4:2:0).
        w.WriteMarker(0xC0);
        w.WriteUInt16(17);
        w.WriteByte(8);
        w.WriteUInt16((ushort)height);
        w.WriteUInt16((ushort)width);
        w.WriteByte(3);
        w.WriteBytes([1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);

        // DHT: the four Annex K tables.
        w.WriteMarker(0xC4);
        int length = 2;
        foreach (var spec in JpegTables.HuffmanSpecs) length += 1 + 16 + spec.Values.Length;
        w.WriteUInt16((ushort)length);
        foreach (var spec in JpegTables.HuffmanSpecs)
        {
            w.WriteByte(spec.ClassAndId);
            w.WriteBytes(spec.Counts);
            w.WriteBytes(spec.Values);
        }

        // SOS: three components, Y uses tables 0/0, chroma 1/1; full spectral range, no approximation.
        w.WriteMarker(0xDA);
        w.WriteUInt16(12);
        w.WriteBytes([3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]);
    }

    private static void EncodeScan(JpegBitWriter w, RgbImage image, byte[] lumaQuant, byte[] chromaQuant)
    {
        var lumaScale = JpegTables.QuantScale(lumaQuant);
        var chromaScale = JpegTables.QuantScale(chromaQuant);
        var y = new float[4 * 64];
        var cb = new float[64];
        var cr = new float[64];
        var coefficients = new float[64];
        var quantised = new int[64];
        int dcY = 0, dcCb = 0, dcCr = 0;
        var dcLuma = JpegTables.DcLuminance;
        var acLuma = JpegTables.AcLuminance;
        var dcChroma = JpegTables.DcChrominance;
        var acChroma = JpegTables.AcChrominance;

        for (int my = 0; my < image.Height; my += 16)
        for (int mx = 0; mx < image.Width; mx += 16)
        {
            LoadMacroBlock(image, mx, my, y, cb, cr);
            for (int b = 0; b < 4; b++)
            {
                ForwardDct(y.AsSpan(b * 64, 64), coefficients);
                Quantise(coefficients, lumaScale, quantised);
                dcY = EncodeBlock(w, quantised, dcY, dcLuma, acLuma);
            }
            ForwardDct(cb, coefficients);
            Quantise(coefficients, chromaScale, quantised);
            dcCb = EncodeBlock(w, quantised, dcCb, dcChroma, acChroma);
            ForwardDct(cr, coefficients);
            Quantise(coefficients, chromaScale, quantised);
            dcCr = EncodeBlock(w, quantised, dcCr, dcChroma, acChroma);
        }
    }

    /// <summary>
    /// Converts the 16x16 pixels at (mx, my) to level-shifted YCbCr (JFIF full range): four 8x8 Y blocks in
    /// raster order, and Cb/Cr averaged over 2x2 pixels. Pixels past the right/bottom edge repeat the edge.
    /// </summary>
    private static unsafe void LoadMacroBlock(RgbImage image, int mx, int my, float[] y, float[] cb, float[] cr)
    {
        // Source byte offset of each of the 16 columns, edge-clamped once per block instead of per pixel.
        int* columns = stackalloc int[16];
        for (int dx = 0; dx < 16; dx++) columns[dx] = Math.Min(mx + dx, image.Width - 1) * 3;
        float* cbSum = stackalloc float[64];
        float* crSum = stackalloc float[64];
        for (int i = 0; i < 64; i++) { cbSum[i] = 0; crSum[i] = 0; }

        fixed (byte* pixels = image.Pixels)
        fixed (float* yOut = y)
        {
            for (int dy = 0; dy < 16; dy++)
            {
                byte* row = pixels + Math.Min(my + dy, image.Height - 1) * image.Stride;
                float* yRow = yOut + (dy >> 3) * 128 + (dy & 7) * 8; // blocks 0,1 on top, 2,3 below
                float* cbRow = cbSum + (dy >> 1) * 8;
                float* crRow = crSum + (dy >> 1) * 8;
                for (int dx = 0; dx < 16; dx++)
                {
                    byte* p = row + columns[dx];
                    float r = p[0], g = p[1], b = p[2];
                    yRow[(dx >> 3) * 64 + (dx & 7)] = 0.299f * r + 0.587f * g + 0.114f * b - 128f;
                    cbRow[dx >> 1] += -0.168736f * r - 0.331264f * g + 0.5f * b;
                    crRow[dx >> 1] += 0.5f * r - 0.418688f * g - 0.081312f * b;
                }
            }
        }
        for (int i = 0; i < 64; i++)
        {
            cb[i] = cbSum[i] * 0.25f;
            cr[i] = crSum[i] * 0.25f;
        }
    }

    /// <summary>
    /// 2-D DCT-II of an 8x8 block as two matrix products, F = M f Mᵀ, eight lanes at a time. The result is
    /// left transposed (output[u*8+v] = F[v][u]); the quantiser and zigzag tables are laid out to match.
    /// </summary>
    private static void ForwardDct(ReadOnlySpan<float> block, Span<float> output)
    {
        Span<float> g = stackalloc float[64];
        Span<float> gt = stackalloc float[64];
        MultiplyByBasis(block, g);   // g = M f  (g[v][x])
        Transpose(g, gt);            // gt[x][v]
        MultiplyByBasis(gt, output); // output = M gᵀ = (g Mᵀ)ᵀ = Fᵀ
    }

    private static void MultiplyByBasis(ReadOnlySpan<float> source, Span<float> dest)
    {
        var rows = MemoryMarshal.Cast<float, Vector256<float>>(source);
        var outRows = MemoryMarshal.Cast<float, Vector256<float>>(dest);
        var m = JpegTables.DctBasis;
        for (int k = 0; k < 8; k++)
        {
            int o = k * 8;
            outRows[k] = rows[0] * m[o] + rows[1] * m[o + 1] + rows[2] * m[o + 2] + rows[3] * m[o + 3]
                       + rows[4] * m[o + 4] + rows[5] * m[o + 5] + rows[6] * m[o + 6] + rows[7] * m[o + 7];
        }
    }

    private static void Transpose(ReadOnlySpan<float> source, Span<float> dest)
    {
        for (int r = 0; r < 8; r++)
        for (int c = 0; c < 8; c++)
            dest[c * 8 + r] = source[r * 8 + c];
    }

    /// <summary>Divides by the quantiser (multiplies by its reciprocal) and rounds to nearest.</summary>
    private static void Quantise(ReadOnlySpan<float> coefficients, float[] scale, Span<int> quantised)
    {
        var c = MemoryMarshal.Cast<float, Vector256<float>>(coefficients);
        var s = MemoryMarshal.Cast<float, Vector256<float>>(scale.AsSpan());
        var q = MemoryMarshal.Cast<int, Vector256<int>>(quantised);
        for (int i = 0; i < 8; i++)
            q[i] = Vector256.ConvertToInt32(Vector256.Round(c[i] * s[i]));
    }

    /// <summary>Huffman-codes one quantised block (transposed layout) and returns its DC for the next block.</summary>
    private static int EncodeBlock(JpegBitWriter w, ReadOnlySpan<int> q, int previousDc, HuffmanCode dc, HuffmanCode ac)
    {
        var order = JpegTables.ZigZagTransposed;
        int dcValue = q[order[0]];
        int diff = dcValue - previousDc;
        int size = BitSize(diff);
        w.WriteBits(dc.Codes[size], dc.Lengths[size]);
        if (size > 0) w.WriteBits(AmplitudeBits(diff, size), size);

        int run = 0;
        for (int k = 1; k < 64; k++)
        {
            int v = q[order[k]];
            if (v == 0) { run++; continue; }
            while (run > 15)
            {
                w.WriteBits(ac.Codes[0xF0], ac.Lengths[0xF0]); // ZRL: sixteen zeros
                run -= 16;
            }
            size = BitSize(v);
            int symbol = (run << 4) | size;
            w.WriteBits(ac.Codes[symbol], ac.Lengths[symbol]);
            w.WriteBits(AmplitudeBits(v, size), size);
            run = 0;
        }
        if (run > 0) w.WriteBits(ac.Codes[0x00], ac.Lengths[0x00]); // EOB
        return dcValue;
    }

    /// <summary>Number of bits of |v| (the JPEG "category"/SSSS).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int BitSize(int v) => v == 0 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)Math.Abs(v));

    /// <summary>Negative values are sent as v - 1 in <paramref name="size"/> bits (one's complement).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int AmplitudeBits(int v, int size) => (v < 0 ? v - 1 : v) & ((1 << size) - 1);
}

/// <summary>Code and length per symbol, built from a DHT specification (T.81 Annex C).</summary>
internal sealed class HuffmanCode
{
    public HuffmanCode(byte[] counts, byte[] values)
    {
        int code = 0, k = 0;
        for (int length = 1; length <= 16; length++)
        {
            for (int i = 0; i < counts[length - 1]; i++, k++)
            {
                Codes[values[k]] = code++;
                Lengths[values[k]] = length;
            }
            code <<= 1;
        }
    }

    public int[] Codes { get; } = new int[256];
    public int[] Lengths { get; } = new int[256];
}

/// <summary>Entropy-coded output: bits MSB first, a 0x00 stuffed after every 0xFF data byte.</summary>
internal sealed class JpegBitWriter
{
    private byte[] _buffer;
    private int _length;
    private ulong _bits;
    private int _bitCount;

    public JpegBitWriter(int capacity) => _buffer = new byte[Math.Max(capacity, 1024)];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteBits(int value, int count)
    {
        _bits = (_bits << count) | (uint)value;
        _bitCount += count;
        while (_bitCount >= 8)
        {
            _bitCount -= 8;
            byte b = (byte)(_bits >> _bitCount);
            WriteByte(b);
            if (b == 0xFF) WriteByte(0x00);
        }
    }

    /// <summary>Pads the last byte with 1-bits, as T.81 F.1.2.3 asks.</summary>
    public void FlushBits()
    {
        if (_bitCount > 0) WriteBits((1 << (8 - _bitCount)) - 1, 8 - _bitCount);
        _bits = 0;
    }

    public void WriteMarker(byte marker)
    {
        WriteByte(0xFF);
        WriteByte(marker);
    }

    public void WriteUInt16(int value)
    {
        WriteByte((byte)(value >> 8));
        WriteByte((byte)value);
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes) WriteByte(b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteByte(byte b)
    {
        if (_length == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
        _buffer[_length++] = b;
    }

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();
}
