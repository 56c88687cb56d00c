using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SonicWeb.Engine.Imaging;

/// <summary>
/// RGB24 -> planar YUV 4:2:0 (I420: the Y plane, then U, then V; ffmpeg's "yuv420p"), BT.601 limited
/// range as ffmpeg's own conversion makes it for x264, chroma from the mean of each 2x2 block.
/// The renderer converts each band of rows right after drawing it, while the rows are still in the
/// cache, so ffmpeg receives half the bytes and does no conversion of its own.
/// <para>
/// Integer arithmetic with 15-bit coefficients; the AVX2 path (sixteen pixels of two rows at a time) does
/// the same integer operations as the scalar one, so both give identical bytes.
/// </para>
/// </summary>
public static unsafe class I420Converter
{
    // BT.601, limited range (Y 16..235, U/V 16..240), scaled by 2^15.
    private const int YR = 8414, YG = 16519, YB = 3208;           // 0.256788, 0.504129, 0.097906
    private const int UR = -4857, UG = -9535, UB = 14392;         // -0.148223, -0.290993, 0.439216
    private const int VR = 14392, VG = -12052, VB = -2340;        // 0.439216, -0.367788, -0.071427
    private const int YOffset = (16 << 15) + (1 << 14);           // +16, rounded
    private const int ChromaOffset = (128 << 17) + (1 << 16);     // +128, rounded; chroma sums four pixels

    /// <summary>Bytes of one I420 frame (width and height even).</summary>
    public static int FrameBytes(int width, int height) => width * height * 3 / 2;

    /// <summary>Converts a whole RGB24 frame (rows top-down, no padding) into an I420 frame.</summary>
    public static void Convert(ReadOnlySpan<byte> rgb24, int width, int height, Span<byte> i420)
    {
        Check(rgb24.Length, width, height, i420.Length);
        fixed (byte* rgb = rgb24)
        fixed (byte* yuv = i420)
            ConvertRows(rgb, rgb24.Length, width, height, 0, height, yuv);
    }

    /// <summary>
    /// Converts rows [<paramref name="rowStart"/>, <paramref name="rowEnd"/>) (both even) of an RGB24 frame of
    /// <paramref name="rgbLength"/> bytes into their place in the I420 frame at <paramref name="i420"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ConvertRows(byte* rgb, int rgbLength, int width, int height, int rowStart, int rowEnd, byte* i420, bool allowSimd = true)
    {
        if ((rowStart | rowEnd | width | height) % 2 != 0)
            throw new ArgumentException($"Rows {rowStart}..{rowEnd} of a {width}x{height} frame: I420 needs even sizes and row pairs.");
        byte* uPlane = i420 + width * height, vPlane = uPlane + width * height / 4;
        int stride = width * 3, chromaWidth = width / 2;
        for (int v = rowStart; v < rowEnd; v += 2)
        {
            byte* top = rgb + (long)v * stride, bottom = top + stride;
            byte* yTop = i420 + (long)v * width, yBottom = yTop + width;
            byte* uRow = uPlane + (long)(v / 2) * chromaWidth, vRow = vPlane + (long)(v / 2) * chromaWidth;
            int u = 0;
            if (allowSimd && Avx2.IsSupported)
            {
                // Each 8-pixel load reads 32 bytes (8 past the 24 it uses): stop before the buffer's end.
                long bottomOffset = (long)(v + 1) * stride;
                int vectorEnd = (int)Math.Min(width, (rgbLength - bottomOffset - 32 - 24) / 3 + 1);
                u = ConvertPairAvx2(top, bottom, yTop, yBottom, uRow, vRow, vectorEnd);
            }
            for (; u < width; u += 2)
                ConvertBlock(top + 3 * u, bottom + 3 * u, yTop + u, yBottom + u, uRow + u / 2, vRow + u / 2);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ConvertBlock(byte* top, byte* bottom, byte* yTop, byte* yBottom, byte* uOut, byte* vOut)
    {
        int r0 = top[0], g0 = top[1], b0 = top[2], r1 = top[3], g1 = top[4], b1 = top[5];
        int r2 = bottom[0], g2 = bottom[1], b2 = bottom[2], r3 = bottom[3], g3 = bottom[4], b3 = bottom[5];
        yTop[0] = Luma(r0, g0, b0); yTop[1] = Luma(r1, g1, b1);
        yBottom[0] = Luma(r2, g2, b2); yBottom[1] = Luma(r3, g3, b3);
        int r = r0 + r1 + r2 + r3, g = g0 + g1 + g2 + g3, b = b0 + b1 + b2 + b3;
        *uOut = (byte)((UR * r + UG * g + UB * b + ChromaOffset) >> 17);
        *vOut = (byte)((VR * r + VG * g + VB * b + ChromaOffset) >> 17);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte Luma(int r, int g, int b) => (byte)((YR * r + YG * g + YB * b + YOffset) >> 15);

    /// <summary>Sixteen pixels of a row pair at a time, up to <paramref name="end"/>; returns the first column not done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ConvertPairAvx2(byte* top, byte* bottom, byte* yTop, byte* yBottom, byte* uRow, byte* vRow, int end)
    {
        // Pixels 0-3 of a 24-byte group to the low 128-bit lane, 4-7 to the high one, then each pixel's
        // three bytes to the low bytes of its own int (0x00BBGGRR).
        var spread = Vector256.Create(0, 1, 2, 0, 3, 4, 5, 0);
        var unpack = Vector256.Create((byte)0, 1, 2, 0x80, 3, 4, 5, 0x80, 6, 7, 8, 0x80, 9, 10, 11, 0x80,
                                      0, 1, 2, 0x80, 3, 4, 5, 0x80, 6, 7, 8, 0x80, 9, 10, 11, 0x80);
        var mask = Vector256.Create(0xFF);
        int u = 0;
        for (; u + 16 <= end; u += 16)
        {
            var t0 = Load8(top + 3 * u, spread, unpack); var t1 = Load8(top + 3 * u + 24, spread, unpack);
            var b0 = Load8(bottom + 3 * u, spread, unpack); var b1 = Load8(bottom + 3 * u + 24, spread, unpack);

            var yt = Vector256.Narrow(Vector256.Narrow(Luma8(t0, mask), Luma8(t1, mask)), Vector256.Narrow(Luma8(b0, mask), Luma8(b1, mask))).AsByte();
            yt.GetLower().Store(yTop + u);
            yt.GetUpper().Store(yBottom + u);

            // 2x2 sums: vertical pairs, then horizontal pairs (hadd works per 128-bit lane; reorder the quads).
            var r = PairSums(Avx2.Add(t0 & mask, b0 & mask), Avx2.Add(t1 & mask, b1 & mask));
            var g = PairSums(Avx2.Add(Avx2.ShiftRightLogical(t0, 8) & mask, Avx2.ShiftRightLogical(b0, 8) & mask),
                             Avx2.Add(Avx2.ShiftRightLogical(t1, 8) & mask, Avx2.ShiftRightLogical(b1, 8) & mask));
            var b = PairSums(Avx2.Add(Avx2.ShiftRightLogical(t0, 16), Avx2.ShiftRightLogical(b0, 16)),
                             Avx2.Add(Avx2.ShiftRightLogical(t1, 16), Avx2.ShiftRightLogical(b1, 16)));
            var offset = Vector256.Create(ChromaOffset);
            var uu = Avx2.ShiftRightArithmetic(r * UR + g * UG + b * UB + offset, 17);
            var vv = Avx2.ShiftRightArithmetic(r * VR + g * VG + b * VB + offset, 17);
            var uv = Vector256.Narrow(Vector256.Narrow(uu, vv), Vector256<short>.Zero).GetLower().AsUInt64();
            *(ulong*)(uRow + u / 2) = uv.GetElement(0);
            *(ulong*)(vRow + u / 2) = uv.GetElement(1);
        }
        return u;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Load8(byte* p, Vector256<int> spread, Vector256<byte> unpack)
        => Avx2.Shuffle(Avx2.PermuteVar8x32(Avx.LoadVector256((int*)p), spread).AsByte(), unpack).AsInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Luma8(Vector256<int> pixels, Vector256<int> mask)
    {
        var r = pixels & mask;
        var g = Avx2.ShiftRightLogical(pixels, 8) & mask;
        var b = Avx2.ShiftRightLogical(pixels, 16);
        return Avx2.ShiftRightArithmetic(r * YR + g * YG + b * YB + Vector256.Create(YOffset), 15);
    }

    /// <summary>Sums of neighbouring lanes of a (pixels 0-7) and b (pixels 8-15), in pixel order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> PairSums(Vector256<int> a, Vector256<int> b)
        => Avx2.Permute4x64(Avx2.HorizontalAdd(a, b).AsInt64(), 0b11_01_10_00).AsInt32();

    private static void Check(int rgbLength, int width, int height, int i420Length)
    {
        if (width <= 0 || height <= 0 || width % 2 != 0 || height % 2 != 0)
            throw new ArgumentException($"I420 needs an even size; got {width}x{height}.");
        if (rgbLength < width * height * 3)
            throw new ArgumentException($"An RGB24 frame of {width}x{height} needs {width * height * 3} bytes; got {rgbLength}.");
        if (i420Length < FrameBytes(width, height))
            throw new ArgumentException($"An I420 frame of {width}x{height} needs {FrameBytes(width, height)} bytes; got {i420Length}.");
    }
}
