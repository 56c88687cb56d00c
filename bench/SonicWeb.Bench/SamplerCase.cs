using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using SonicWeb.Engine.Media;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Engine.Rendering;

namespace SonicWeb.Bench;

/// <summary>
/// The rest-of-frame sampler alone, in one process: the bilinear sampling of a 1024-wide row of head motion over
/// the bench photo, timed for the current AVX2 sampler (<see cref="PlainSpanSampler.Sampler8"/>: one eight-byte
/// gather per source row, separable 16-bit multiply-adds), the previous one (kept below for this comparison only:
/// one four-byte gather per neighbour, 32-bit multiplies) and the scalar fallback, in turn, many rounds; the
/// fastest round of each is reported (least disturbed by other processes on a shared machine). Both vector
/// samplers must write the scalar sampler's bytes. The positions alone (no sampling) are timed too, for scale.
/// </summary>
public static class SamplerCase
{
    private const int Width = 1024, Rows = 256, Rounds = 40;

    public static async Task<CaseResult> RunAsync(BenchOptions o)
    {
        var image = await ImageLoader.LoadAsync(CaseRunner.Require(o.Image, "image"), new EngineOptions().Limits, CancellationToken.None);
        int sw = image.Width, sh = image.Height;
        // A 1024-wide crop of about 60 % of the photo with a slight roll and turn, as a talking head's frame.
        float step = 0.6f * Math.Min(sw, sh) / Width;
        var weights = new ushort[2 * Width];
        var random = new Random(7);
        for (int u = 0; u < Width; u++) { weights[2 * u] = (ushort)random.Next(13107, 65536); weights[2 * u + 1] = (ushort)random.Next(65536); }
        var (best, outputs) = Measure(image.Pixels, sw, sh, step, weights);
        if (!outputs[0].AsSpan().SequenceEqual(outputs[2]) || !outputs[1].AsSpan().SequenceEqual(outputs[2]))
            throw new InvalidOperationException("A vector sampler's bytes differ from the scalar sampler's.");
        double Ns(int kind) => best[kind] * 1e9 / (Width * Rows);
        return new CaseResult
        {
            Case = "sampler",
            Width = Width,
            Height = Rows,
            CallMilliseconds = new Dictionary<string, double>
            {
                ["ns per pixel, AVX2 (8-byte gathers, multiply-adds)"] = Ns(0),
                ["ns per pixel, AVX2 before (4-byte gathers, 32-bit multiplies)"] = Ns(1),
                ["ns per pixel, scalar"] = Ns(2),
                ["ns per pixel, source positions only (no sampling)"] = Ns(3),
            },
        };
    }

    private static unsafe (double[] Best, byte[][] Outputs) Measure(byte[] pixels, int sw, int sh, float step, ushort[] weights)
    {
        var outputs = new byte[4][];
        for (int i = 0; i < 4; i++) outputs[i] = new byte[Width * 3 * Rows];
        var best = new double[4];
        Array.Fill(best, double.MaxValue);
        fixed (byte* src = pixels)
        fixed (ushort* w = weights)
        {
            for (int round = 0; round < Rounds; round++)
                for (int kind = 0; kind < 4; kind++)
                    fixed (byte* dst = outputs[kind])
                    {
                        var clock = Stopwatch.StartNew();
                        for (int v = 0; v < Rows; v++)
                        {
                            var row = new PlainSpanSampler.Row(0.2f * sw, step, 0.2f * sh + v * step, 1.5f + 0.002f * v, 0.003f, -0.8f, -0.004f, 1.2f, -0.6f);
                            RenderRow(kind, row, src, sw, sh, w, dst + v * Width * 3);
                        }
                        best[kind] = Math.Min(best[kind], clock.Elapsed.TotalSeconds);
                    }
        }
        return (best, outputs);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void RenderRow(int kind, in PlainSpanSampler.Row row, byte* src, int sw, int sh, ushort* w, byte* dst)
    {
        if (kind == 3)
        {
            var p = new PlainSpanSampler.Positions(row);
            var acc = Vector256<float>.Zero;
            for (int u = 0; u < Width; u += 8) { p.At(w, u, out var x, out var y); acc = Avx.Add(acc, Avx.Add(x, y)); }
            *(Vector256<float>*)dst = acc;
            return;
        }
        if (kind == 2) { PlainSpanSampler.Render(row, src, sw, sh, w, dst, 0, Width, allowSimd: false); return; }
        var positions = new PlainSpanSampler.Positions(row);
        var current = new PlainSpanSampler.Sampler8(src, sw, sh);
        var before = new GatherPerNeighbourSampler8(src, sw, sh);
        for (int u = 0; u < Width; u += 8)
        {
            positions.At(w, u, out var x, out var y);
            if (kind == 0) current.SampleAndStore(x, y, dst + 3 * u);
            else before.SampleAndStore(x, y, dst + 3 * u, spareByteWritable: u + 8 < Width);
        }
    }

    private readonly unsafe struct GatherPerNeighbourSampler8
    {
        private readonly byte* _src;
        private readonly int _sw, _sh;

        public GatherPerNeighbourSampler8(byte* src, int sw, int sh) { _src = src; _sw = sw; _sh = sh; }

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
