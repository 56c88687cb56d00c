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
/// as the scalar code (no fused multiply-add, so every result is bit-identical), the four neighbours
/// of each pixel fetched with gathers, and the same 8-bit fixed-point bilinear weights. Groups that
/// touch the image border (reflection) fall back to the scalar sampler, and so do samples from the
/// last two source rows: a gather reads four bytes for a three-byte pixel, one past the image's end
/// at its last pixel.
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
            // Pixel u+8 is still ours when the span goes on: its first byte may take a store's spare byte.
            sampler.SampleAndStore(x, y, rowDst + 3 * u, spareByteWritable: u + 8 < u1);
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
    /// Eight bilinear samples at once, exactly as <see cref="SourceSampler.Sample"/>: the four neighbours
    /// fetched with gathers, the same 8-bit fixed-point weights; groups that touch the border (reflection)
    /// or the last two rows (a four-byte gather of the last pixel would read past the image) go through
    /// the scalar sampler.
    /// </summary>
    public readonly struct Sampler8
    {
        private readonly byte* _src;
        private readonly int _sw, _sh;

        public Sampler8(byte* src, int sw, int sh) { _src = src; _sw = sw; _sh = sh; }

        /// <summary>
        /// Samples at (x, y) and writes eight RGB24 pixels at <paramref name="dst"/>. With
        /// <paramref name="spareByteWritable"/> the stores are four bytes wide and the last one overwrites the
        /// first byte of the pixel after the group (which the caller renders afterwards).
        /// </summary>
        // Too large to be inlined: optimised from the first call, or the first frames run its unoptimised (tier-0)
        // code, several times slower, for as long as the JIT's background thread waits for a busy core.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void SampleAndStore(Vector256<float> x, Vector256<float> y, byte* dst, bool spareByteWritable)
        {
            byte* src = _src;
            int sw = _sw, sh = _sh;
            var zero = Vector256<int>.Zero;
            int stride = sw * 3;
            var xf = Avx.Floor(x); var yf = Avx.Floor(y);
            var xi = Avx.ConvertToVector256Int32WithTruncation(xf);
            var yi = Avx.ConvertToVector256Int32WithTruncation(yf);
            // In-bounds test as in SourceSampler (0 <= x0 < width-1, 0 <= y0 < height-1), one row stricter
            // so no four-byte read runs past the image.
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
            var byteMask = Vector256.Create(0xFF);
            var fx = Avx.ConvertToVector256Int32WithTruncation(Avx.Multiply(Avx.Subtract(x, xf), fracScale));
            var fy = Avx.ConvertToVector256Int32WithTruncation(Avx.Multiply(Avx.Subtract(y, yf), fracScale));
            var gx = Avx2.Subtract(full, fx); var gy = Avx2.Subtract(full, fy);
            var w00 = Avx2.MultiplyLow(gx, gy); var w01 = Avx2.MultiplyLow(fx, gy);
            var w10 = Avx2.MultiplyLow(gx, fy); var w11 = Avx2.MultiplyLow(fx, fy);

            var index = Avx2.Add(Avx2.MultiplyLow(yi, Vector256.Create(stride)), Avx2.MultiplyLow(xi, Vector256.Create(3)));
            var p00 = Avx2.GatherVector256((int*)src, index, 1);
            var p01 = Avx2.GatherVector256((int*)(src + 3), index, 1);
            var p10 = Avx2.GatherVector256((int*)(src + stride), index, 1);
            var p11 = Avx2.GatherVector256((int*)(src + stride + 3), index, 1);

            var r8 = Blend(Avx2.And(p00, byteMask), Avx2.And(p01, byteMask), Avx2.And(p10, byteMask), Avx2.And(p11, byteMask), w00, w01, w10, w11, half);
            var g8 = Blend(Avx2.And(Avx2.ShiftRightLogical(p00, 8), byteMask), Avx2.And(Avx2.ShiftRightLogical(p01, 8), byteMask),
                           Avx2.And(Avx2.ShiftRightLogical(p10, 8), byteMask), Avx2.And(Avx2.ShiftRightLogical(p11, 8), byteMask), w00, w01, w10, w11, half);
            var b8 = Blend(Avx2.And(Avx2.ShiftRightLogical(p00, 16), byteMask), Avx2.And(Avx2.ShiftRightLogical(p01, 16), byteMask),
                           Avx2.And(Avx2.ShiftRightLogical(p10, 16), byteMask), Avx2.And(Avx2.ShiftRightLogical(p11, 16), byteMask), w00, w01, w10, w11, half);
            var rgb = Avx2.Or(r8, Avx2.Or(Avx2.ShiftLeftLogical(g8, 8), Avx2.ShiftLeftLogical(b8, 16)));

            int* lane = (int*)&rgb;
            if (spareByteWritable)
            {
                // Four-byte stores; each one's spare byte is overwritten by the next pixel.
                for (int k = 0; k < 8; k++) *(int*)(dst + 3 * k) = lane[k];
            }
            else
            {
                for (int k = 0; k < 8; k++)
                {
                    int v = lane[k];
                    dst[3 * k] = (byte)v; dst[3 * k + 1] = (byte)(v >> 8); dst[3 * k + 2] = (byte)(v >> 16);
                }
            }
        }
    }

    /// <summary>One colour channel of eight bilinear samples: (sum of weight x value + 32768) >> 16, as SourceSampler.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Blend(Vector256<int> c00, Vector256<int> c01, Vector256<int> c10, Vector256<int> c11,
        Vector256<int> w00, Vector256<int> w01, Vector256<int> w10, Vector256<int> w11, Vector256<int> half)
    {
        var sum = Avx2.Add(Avx2.Add(Avx2.MultiplyLow(c00, w00), Avx2.MultiplyLow(c01, w01)),
                           Avx2.Add(Avx2.MultiplyLow(c10, w10), Avx2.MultiplyLow(c11, w11)));
        return Avx2.ShiftRightLogical(Avx2.Add(sum, half), 16);
    }
}
