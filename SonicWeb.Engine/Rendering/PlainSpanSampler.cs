using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SonicWeb.Engine.Rendering;

/// <summary>
/// Renders the bulk of a frame: a run of output pixels on one row that only the head motion moves (no
/// mouth or eyelid warp, no shading). Source position per pixel:
/// <c>x = x0 + u*stepX + w*(rowDu + duU*u) - t*turnX</c>, <c>y = baseY + w*(rowDv + dvU*u) - t*turnY</c>
/// (w, t: the per-pixel head and turn weights), then one bilinear sample.
/// <para>
/// With AVX2 eight pixels go at once: the positions with the same float operations in the same order
/// as the scalar code (no fused multiply-add, so every result is bit-identical), each pixel's left and
/// right neighbours fetched together by one eight-byte gather per source row (four gathers of four
/// elements for eight pixels, where single pixels took four gathers of eight: gathers cost per element,
/// and dearly on AMD), and the same 8-bit fixed-point bilinear weights applied separably with 16-bit
/// multiply-adds (the same integer sum, so still bit-identical). Groups that touch the image border
/// (reflection) fall back to the scalar sampler, and so do samples from the last two source rows: an
/// eight-byte read would run past the image's end.
/// </para>
/// </summary>
internal static unsafe class PlainSpanSampler
{
    /// <summary>Per-row constants of the head-motion mapping (see the class summary).</summary>
    public readonly struct Row
    {
        public readonly float X0, StepX, BaseY, RowDu, DuU, RowDv, DvU, TurnX, TurnY;

        public Row(float x0, float stepX, float baseY, float rowDu, float duU, float rowDv, float dvU, float turnX, float turnY)
        {
            X0 = x0; StepX = stepX; BaseY = baseY; RowDu = rowDu; DuU = duU; RowDv = rowDv; DvU = dvU; TurnX = turnX; TurnY = turnY;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Position(int u, float w, float t, out float x, out float y)
        {
            x = X0 + u * StepX + w * (RowDu + DuU * u) - t * TurnX;
            y = BaseY + w * (RowDv + DvU * u) - t * TurnY;
        }
    }

    public const float WeightScale = 1f / 65535f;

    /// <summary>Renders output pixels [u0, u1) of one row into <paramref name="rowDst"/> (the row's first pixel).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Render(in Row row, byte* src, int sw, int sh, ushort* rowWeights, byte* rowDst, int u0, int u1, bool allowSimd = true)
    {
        int u = u0;
        if (allowSimd && Avx2.IsSupported) u = RenderAvx2(row, src, sw, sh, rowWeights, rowDst, u0, u1);
        for (; u < u1; u++)
        {
            row.Position(u, rowWeights[2 * u] * WeightScale, rowWeights[2 * u + 1] * WeightScale, out float x, out float y);
            SourceSampler.Sample(src, sw, sh, x, y, out int r, out int g, out int b);
            byte* d = rowDst + 3 * u;
            d[0] = (byte)r; d[1] = (byte)g; d[2] = (byte)b;
        }
    }

    /// <summary>Groups of eight; returns the first pixel not rendered (the scalar loop does the rest).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int RenderAvx2(in Row row, byte* src, int sw, int sh, ushort* rowWeights, byte* rowDst, int u0, int u1)
    {
        var positions = new Positions(row);
        var sampler = new Sampler8(src, sw, sh);
        int u = u0;
        for (; u + 8 <= u1; u += 8)
        {
            positions.At(rowWeights, u, out var x, out var y);
            sampler.SampleAndStore(x, y, rowDst + 3 * u);
        }
        return u;
    }

    /// <summary>
    /// Source positions of eight neighbouring pixels of one row, with the same float operations in the
    /// same order as <see cref="Row.Position"/> (bit-identical).
    /// </summary>
    public readonly struct Positions
    {
        private readonly Vector256<float> _x0, _stepX, _baseY, _rowDu, _duU, _rowDv, _dvU, _turnX, _turnY;

        public Positions(in Row row)
        {
            _x0 = Vector256.Create(row.X0); _stepX = Vector256.Create(row.StepX);
            _baseY = Vector256.Create(row.BaseY);
            _rowDu = Vector256.Create(row.RowDu); _duU = Vector256.Create(row.DuU);
            _rowDv = Vector256.Create(row.RowDv); _dvU = Vector256.Create(row.DvU);
            _turnX = Vector256.Create(row.TurnX); _turnY = Vector256.Create(row.TurnY);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void At(ushort* rowWeights, int u, out Vector256<float> x, out Vector256<float> y)
        {
            var weightScale = Vector256.Create(WeightScale);
            var ui = Avx2.Add(Vector256.Create(u), Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7));
            var uf = Avx.ConvertToVector256Single(ui);
            var packed = Avx.LoadVector256((int*)(rowWeights + 2 * u));   // (w | t << 16) per pixel
            var w = Avx.Multiply(Avx.ConvertToVector256Single(Avx2.And(packed, Vector256.Create(0xFFFF))), weightScale);
            var t = Avx.Multiply(Avx.ConvertToVector256Single(Avx2.ShiftRightLogical(packed, 16)), weightScale);
            // Same association as Row.Position: ((x0 + u*stepX) + w*(rowDu + duU*u)) - t*turnX.
            x = Avx.Subtract(Avx.Add(Avx.Add(_x0, Avx.Multiply(uf, _stepX)), Avx.Multiply(w, Avx.Add(_rowDu, Avx.Multiply(_duU, uf)))), Avx.Multiply(t, _turnX));
            y = Avx.Subtract(Avx.Add(_baseY, Avx.Multiply(w, Avx.Add(_rowDv, Avx.Multiply(_dvU, uf)))), Avx.Multiply(t, _turnY));
        }
    }

    /// <summary>
    /// Eight bilinear samples at once, exactly as <see cref="SourceSampler.Sample"/>: the two neighbours of
    /// each source row fetched with one eight-byte gather, the same 8-bit fixed-point weights; groups that touch
    /// the border (reflection) or the last two rows (an eight-byte read would run past the image) go through
    /// the scalar sampler.
    /// </summary>
    public readonly struct Sampler8
    {
        private readonly byte* _src;
        private readonly int _sw, _sh;

        public Sampler8(byte* src, int sw, int sh) { _src = src; _sw = sw; _sh = sh; }

        /// <summary>Samples at (x, y) and writes eight RGB24 pixels (24 bytes, none after them) at <paramref name="dst"/>.</summary>
        // Too large to be inlined: optimised from the first call, or the first frames run its unoptimised (tier-0)
        // code, several times slower, for as long as the JIT's background thread waits for a busy core.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void SampleAndStore(Vector256<float> x, Vector256<float> y, byte* dst)
        {
            byte* src = _src;
            int sw = _sw, sh = _sh;
            var zero = Vector256<int>.Zero;
            int stride = sw * 3;
            var xf = Avx.Floor(x); var yf = Avx.Floor(y);
            var xi = Avx.ConvertToVector256Int32WithTruncation(xf);
            var yi = Avx.ConvertToVector256Int32WithTruncation(yf);
            // In-bounds test as in SourceSampler (0 <= x0 < width-1, 0 <= y0 < height-1), one row stricter
            // so no eight-byte read runs past the image (the bottom row's read of the last column ends two bytes
            // into the row below it).
            var outside = Avx2.Or(Avx2.Or(Avx2.CompareGreaterThan(zero, xi), Avx2.CompareGreaterThan(xi, Vector256.Create(sw - 2))),
                                  Avx2.Or(Avx2.CompareGreaterThan(zero, yi), Avx2.CompareGreaterThan(yi, Vector256.Create(sh - 3))));
            if (!Avx.TestZ(outside, outside))
            {
                // Near the image border: reflect per pixel, exactly as the scalar path.
                for (int k = 0; k < 8; k++)
                {
                    SourceSampler.Sample(src, sw, sh, x.GetElement(k), y.GetElement(k), out int r, out int g, out int b);
                    byte* d = dst + 3 * k;
                    d[0] = (byte)r; d[1] = (byte)g; d[2] = (byte)b;
                }
                return;
            }
            var fracScale = Vector256.Create(256f);
            var full = Vector256.Create(256);
            var half = Vector256.Create(32768);
            var fx = Avx.ConvertToVector256Int32WithTruncation(Avx.Multiply(Avx.Subtract(x, xf), fracScale));
            var fy = Avx.ConvertToVector256Int32WithTruncation(Avx.Multiply(Avx.Subtract(y, yf), fracScale));
            var gy = Avx2.Subtract(full, fy);
            // Horizontal weights as 16-bit pairs (gx low, fx high), the layout of a (left, right) pair of one channel:
            // one multiply-add per channel and row gives gx*left + fx*right exactly (both factors fit in 16 bits).
            var horizontal = Avx2.Or(Avx2.Subtract(full, fx), Avx2.ShiftLeftLogical(fx, 16)).AsInt16();

            // Byte offsets of each pixel's top-left neighbour, in the order the two 8-byte gathers per row need
            // (pixels 0 1 4 5 and 2 3 6 7: each 128-bit half of a gather holds two pixels, and the shuffles below
            // put them back in order).
            var index = Avx2.Add(Avx2.MultiplyLow(yi, Vector256.Create(stride)), Avx2.Add(xi, Avx2.ShiftLeftLogical(xi, 1)));
            index = Avx2.PermuteVar8x32(index, Vector256.Create(0, 1, 4, 5, 2, 3, 6, 7));
            var indexA = index.GetLower(); var indexB = index.GetUpper();
            // One 8-byte read per pixel and row: the left and right neighbours (six bytes) and two more, still inside
            // the photo (the last column and the last two rows go to the scalar sampler, see the in-bounds test).
            var topA = Avx2.GatherVector256((long*)src, indexA, 1).AsByte();
            var topB = Avx2.GatherVector256((long*)src, indexB, 1).AsByte();
            var bottomA = Avx2.GatherVector256((long*)(src + stride), indexA, 1).AsByte();
            var bottomB = Avx2.GatherVector256((long*)(src + stride), indexB, 1).AsByte();

            var r8 = Channel(topA, topB, bottomA, bottomB, horizontal, fy, gy, half, 0);
            var g8 = Channel(topA, topB, bottomA, bottomB, horizontal, fy, gy, half, 1);
            var b8 = Channel(topA, topB, bottomA, bottomB, horizontal, fy, gy, half, 2);
            var rgb = Avx2.Or(r8, Avx2.Or(Avx2.ShiftLeftLogical(g8, 8), Avx2.ShiftLeftLogical(b8, 16))).AsByte();
            // Four pixels' twelve bytes at the start of each 128-bit half.
            var packed = Avx2.Shuffle(rgb, Vector256.Create(
                (byte)0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 0x80, 0x80, 0x80, 0x80,
                0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 0x80, 0x80, 0x80, 0x80));
            var low = packed.GetLower(); var high = packed.GetUpper();
            // Twenty-four bytes: the first half's 16-byte store spills four bytes into pixels 4-5, which the second
            // half's two stores (8 + 4 bytes) overwrite; nothing is written past the group.
            Sse2.Store(dst, low);
            *(long*)(dst + 12) = high.AsInt64().ToScalar();
            *(int*)(dst + 20) = high.AsInt32().GetElement(2);
        }
    }

    /// <summary>Shuffle masks that take one channel's (left, right) byte pair of two gathered pixels to 16-bit pairs:
    /// [ChannelMasks + 2c] puts them in dwords 0-1 of each 128-bit half, [ChannelMasks + 2c + 1] in dwords 2-3.</summary>
    private static readonly Vector256<byte>[] ChannelMasks = MakeChannelMasks();

    private static Vector256<byte>[] MakeChannelMasks()
    {
        var masks = new Vector256<byte>[6];
        for (int c = 0; c < 3; c++)
            for (int part = 0; part < 2; part++)
            {
                var bytes = new byte[32];
                Array.Fill(bytes, (byte)0x80);
                for (int half = 0; half < 2; half++)
                    for (int pixel = 0; pixel < 2; pixel++)
                    {
                        int at = 16 * half + 4 * (2 * part + pixel);
                        bytes[at] = (byte)(8 * pixel + c);          // left neighbour's channel c
                        bytes[at + 2] = (byte)(8 * pixel + 3 + c);  // right neighbour's
                    }
                masks[2 * c + part] = Vector256.Create(bytes);
            }
        return masks;
    }

    /// <summary>
    /// One colour channel of eight bilinear samples, exactly SourceSampler's (sum of weight x value + 32768) >> 16,
    /// computed separably: h = gx*left + fx*right per row (a 16-bit multiply-add), then gy*h_top + fy*h_bottom, the
    /// same integer as the four-weight sum.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Channel(Vector256<byte> topA, Vector256<byte> topB, Vector256<byte> bottomA, Vector256<byte> bottomB,
        Vector256<short> horizontal, Vector256<int> fy, Vector256<int> gy, Vector256<int> half, int c)
    {
        var maskA = ChannelMasks[2 * c]; var maskB = ChannelMasks[2 * c + 1];
        var top = Avx2.Or(Avx2.Shuffle(topA, maskA), Avx2.Shuffle(topB, maskB)).AsInt16();
        var bottom = Avx2.Or(Avx2.Shuffle(bottomA, maskA), Avx2.Shuffle(bottomB, maskB)).AsInt16();
        var sum = Avx2.Add(Avx2.MultiplyLow(Avx2.MultiplyAddAdjacent(top, horizontal), gy),
                           Avx2.MultiplyLow(Avx2.MultiplyAddAdjacent(bottom, horizontal), fy));
        return Avx2.ShiftRightLogical(Avx2.Add(sum, half), 16);
    }
}
