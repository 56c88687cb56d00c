using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SonicWeb.Engine.Faces.Landmarks;

/// <summary>
/// The few tensor operations the landmark network needs, on single images stored NHWC (pixel-major,
/// channels contiguous), so every inner loop runs over contiguous channels with Vector&lt;float&gt;.
/// Convolutions use TensorFlow's 'same' padding: output size = ceil(input / stride), and for stride 2
/// on even sizes the one padding row/column is at the bottom/right (TensorFlow puts the extra pad
/// after), which matters: padding at the top/left would shift every landmark by half a cell.
/// </summary>
internal static class NhwcOps
{
    public static int SameOutputSize(int input, int stride) => (input + stride - 1) / stride;

    /// <summary>Padding before the first row/column for a 3x3 kernel with 'same' padding.</summary>
    public static int SamePadBefore(int input, int stride)
    {
        int total = Math.Max((SameOutputSize(input, stride) - 1) * stride + 3 - input, 0);
        return total / 2;
    }

    /// <summary>
    /// Full 3x3 convolution plus bias (used once, on the RGB input). The output channels are kept in
    /// registers, four vectors at a time, while the 27 (tap, input channel) products are summed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Conv3x3(ReadOnlySpan<float> input, int height, int width, ConvWeights w, int stride, Span<float> output)
    {
        int cin = w.InChannels, cout = w.OutChannels, vs = Vector<float>.Count;
        int outH = SameOutputSize(height, stride), outW = SameOutputSize(width, stride);
        int padY = SamePadBefore(height, stride), padX = SamePadBefore(width, stride);
        if (!Vector.IsHardwareAccelerated || cout % (4 * vs) != 0 || output.Length < outH * outW * cout || input.Length < height * width * cin)
        {
            Conv3x3Scalar(input, height, width, w, stride, output);
            return;
        }
        ref float inRef = ref MemoryMarshal.GetReference(input);
        ref float outRef = ref MemoryMarshal.GetReference(output);
        ref float fRef = ref MemoryMarshal.GetArrayDataReference(w.Filters);
        ref float bRef = ref MemoryMarshal.GetArrayDataReference(w.Bias);
        for (int oy = 0; oy < outH; oy++)
        for (int ox = 0; ox < outW; ox++)
        for (int co = 0; co < cout; co += 4 * vs)
        {
            var a0 = Vector.LoadUnsafe(ref bRef, (nuint)co);
            var a1 = Vector.LoadUnsafe(ref bRef, (nuint)(co + vs));
            var a2 = Vector.LoadUnsafe(ref bRef, (nuint)(co + 2 * vs));
            var a3 = Vector.LoadUnsafe(ref bRef, (nuint)(co + 3 * vs));
            for (int ky = 0; ky < 3; ky++)
            {
                int iy = oy * stride + ky - padY;
                if ((uint)iy >= (uint)height) continue;
                for (int kx = 0; kx < 3; kx++)
                {
                    int ix = ox * stride + kx - padX;
                    if ((uint)ix >= (uint)width) continue;
                    int pixel = (iy * width + ix) * cin;
                    int tap = (ky * 3 + kx) * cin;
                    for (int ci = 0; ci < cin; ci++)
                    {
                        var x = new Vector<float>(Unsafe.Add(ref inRef, pixel + ci));
                        ref float f = ref Unsafe.Add(ref fRef, (tap + ci) * cout + co);
                        a0 = Vector.FusedMultiplyAdd(x, Vector.LoadUnsafe(ref f), a0);
                        a1 = Vector.FusedMultiplyAdd(x, Vector.LoadUnsafe(ref f, (nuint)vs), a1);
                        a2 = Vector.FusedMultiplyAdd(x, Vector.LoadUnsafe(ref f, (nuint)(2 * vs)), a2);
                        a3 = Vector.FusedMultiplyAdd(x, Vector.LoadUnsafe(ref f, (nuint)(3 * vs)), a3);
                    }
                }
            }
            ref float dst = ref Unsafe.Add(ref outRef, (oy * outW + ox) * cout + co);
            a0.StoreUnsafe(ref dst);
            a1.StoreUnsafe(ref dst, (nuint)vs);
            a2.StoreUnsafe(ref dst, (nuint)(2 * vs));
            a3.StoreUnsafe(ref dst, (nuint)(3 * vs));
        }
    }

    private static void Conv3x3Scalar(ReadOnlySpan<float> input, int height, int width, ConvWeights w, int stride, Span<float> output)
    {
        int cin = w.InChannels, cout = w.OutChannels;
        int outH = SameOutputSize(height, stride), outW = SameOutputSize(width, stride);
        int padY = SamePadBefore(height, stride), padX = SamePadBefore(width, stride);
        for (int oy = 0; oy < outH; oy++)
        for (int ox = 0; ox < outW; ox++)
        {
            var acc = output.Slice((oy * outW + ox) * cout, cout);
            w.Bias.CopyTo(acc);
            for (int ky = 0; ky < 3; ky++)
            {
                int iy = oy * stride + ky - padY;
                if ((uint)iy >= (uint)height) continue;
                for (int kx = 0; kx < 3; kx++)
                {
                    int ix = ox * stride + kx - padX;
                    if ((uint)ix >= (uint)width) continue;
                    for (int ci = 0; ci < cin; ci++)
                        MultiplyAdd(acc, w.Filters.AsSpan(((ky * 3 + kx) * cin + ci) * cout, cout), input[(iy * width + ix) * cin + ci]);
                }
            }
        }
    }

    /// <summary>
    /// Per-channel 3x3 convolution (no bias: the separable conv adds it after the pointwise step).
    /// Each vector of channels sums its nine taps in a register and is stored once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Depthwise3x3(ReadOnlySpan<float> input, int height, int width, int channels,
        ReadOnlySpan<float> filter, int stride, Span<float> output)
    {
        int outH = SameOutputSize(height, stride), outW = SameOutputSize(width, stride);
        int padY = SamePadBefore(height, stride), padX = SamePadBefore(width, stride);
        int vs = Vector<float>.Count;
        bool simd = Vector.IsHardwareAccelerated && channels % vs == 0
            && input.Length >= height * width * channels && output.Length >= outH * outW * channels && filter.Length >= 9 * channels;
        ref float inRef = ref MemoryMarshal.GetReference(input);
        ref float fRef = ref MemoryMarshal.GetReference(filter);
        ref float outRef = ref MemoryMarshal.GetReference(output);
        for (int oy = 0; oy < outH; oy++)
        {
            int ky0 = Math.Max(0, padY - oy * stride), ky1 = Math.Min(3, height + padY - oy * stride);
            for (int ox = 0; ox < outW; ox++)
            {
                int kx0 = Math.Max(0, padX - ox * stride), kx1 = Math.Min(3, width + padX - ox * stride);
                int outBase = (oy * outW + ox) * channels;
                if (!simd)
                {
                    var acc = output.Slice(outBase, channels);
                    acc.Clear();
                    for (int ky = ky0; ky < ky1; ky++)
                    for (int kx = kx0; kx < kx1; kx++)
                        MultiplyAddElementwise(acc, input.Slice(((oy * stride + ky - padY) * width + ox * stride + kx - padX) * channels, channels),
                            filter.Slice((ky * 3 + kx) * channels, channels));
                    continue;
                }
                for (int c = 0; c < channels; c += vs)
                {
                    var acc = Vector<float>.Zero;
                    for (int ky = ky0; ky < ky1; ky++)
                    {
                        int rowBase = (oy * stride + ky - padY) * width + ox * stride - padX;
                        for (int kx = kx0; kx < kx1; kx++)
                            acc = Vector.FusedMultiplyAdd(
                                Vector.LoadUnsafe(ref inRef, (nuint)((rowBase + kx) * channels + c)),
                                Vector.LoadUnsafe(ref fRef, (nuint)((ky * 3 + kx) * channels + c)), acc);
                    }
                    acc.StoreUnsafe(ref outRef, (nuint)(outBase + c));
                }
            }
        }
    }

    /// <summary>
    /// 1x1 convolution plus bias over <paramref name="pixels"/> pixels. With <paramref name="accumulate"/>
    /// the result is added to <paramref name="output"/> (the dense blocks only ever need the running sum).
    /// Blocks of 4 pixels x 2 vectors of output channels keep 8 accumulators in registers, so each
    /// weight load feeds four multiply-adds.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Pointwise(ReadOnlySpan<float> input, int pixels, int cin, int cout,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> output, bool accumulate)
    {
        int vs = Vector<float>.Count;
        int p = 0;
        if (Vector.IsHardwareAccelerated && cout % (2 * vs) == 0
            && input.Length >= pixels * cin && output.Length >= pixels * cout && weights.Length >= cin * cout && bias.Length >= cout)
        {
            ref float inRef = ref MemoryMarshal.GetReference(input);
            ref float wRef = ref MemoryMarshal.GetReference(weights);
            ref float outRef = ref MemoryMarshal.GetReference(output);
            for (; p + 4 <= pixels; p += 4)
            {
                int in0 = p * cin;
                for (int co = 0; co < cout; co += 2 * vs)
                {
                    var b0 = new Vector<float>(bias.Slice(co));
                    var b1 = new Vector<float>(bias.Slice(co + vs));
                    Vector<float> a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1, a30 = b0, a31 = b1;
                    for (int ci = 0; ci < cin; ci++)
                    {
                        ref float wRow = ref Unsafe.Add(ref wRef, ci * cout + co);
                        var w0 = Vector.LoadUnsafe(ref wRow);
                        var w1 = Vector.LoadUnsafe(ref wRow, (nuint)vs);
                        var x0 = new Vector<float>(Unsafe.Add(ref inRef, in0 + ci));
                        var x1 = new Vector<float>(Unsafe.Add(ref inRef, in0 + cin + ci));
                        var x2 = new Vector<float>(Unsafe.Add(ref inRef, in0 + 2 * cin + ci));
                        var x3 = new Vector<float>(Unsafe.Add(ref inRef, in0 + 3 * cin + ci));
                        a00 = Vector.FusedMultiplyAdd(x0, w0, a00); a01 = Vector.FusedMultiplyAdd(x0, w1, a01);
                        a10 = Vector.FusedMultiplyAdd(x1, w0, a10); a11 = Vector.FusedMultiplyAdd(x1, w1, a11);
                        a20 = Vector.FusedMultiplyAdd(x2, w0, a20); a21 = Vector.FusedMultiplyAdd(x2, w1, a21);
                        a30 = Vector.FusedMultiplyAdd(x3, w0, a30); a31 = Vector.FusedMultiplyAdd(x3, w1, a31);
                    }
                    Store(ref outRef, p * cout + co, a00, a01, vs, accumulate);
                    Store(ref outRef, (p + 1) * cout + co, a10, a11, vs, accumulate);
                    Store(ref outRef, (p + 2) * cout + co, a20, a21, vs, accumulate);
                    Store(ref outRef, (p + 3) * cout + co, a30, a31, vs, accumulate);
                }
            }
        }
        // Remaining pixels (and machines without SIMD): the plain row-by-row form.
        Span<float> row = cout <= 512 ? stackalloc float[cout] : new float[cout];
        for (; p < pixels; p++)
        {
            bias.CopyTo(row);
            var pixel = input.Slice(p * cin, cin);
            for (int ci = 0; ci < cin; ci++)
                MultiplyAdd(row, weights.Slice(ci * cout, cout), pixel[ci]);
            var dst = output.Slice(p * cout, cout);
            if (accumulate) AddInPlace(dst, row); else row.CopyTo(dst);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref float outRef, int index, Vector<float> lo, Vector<float> hi, int vs, bool accumulate)
    {
        ref float dst = ref Unsafe.Add(ref outRef, index);
        if (accumulate)
        {
            lo += Vector.LoadUnsafe(ref dst);
            hi += Vector.LoadUnsafe(ref dst, (nuint)vs);
        }
        lo.StoreUnsafe(ref dst);
        hi.StoreUnsafe(ref dst, (nuint)vs);
    }

    public static void Relu(ReadOnlySpan<float> source, Span<float> destination)
    {
        int i = 0, vs = Vector<float>.Count;
        for (; i + vs <= source.Length; i += vs)
            Vector.Max(new Vector<float>(source.Slice(i)), Vector<float>.Zero).CopyTo(destination.Slice(i));
        for (; i < source.Length; i++)
            destination[i] = MathF.Max(source[i], 0f);
    }

    /// <summary>Mean over all pixels: the 7x7 average pool on the final 7x7 map (one output cell).</summary>
    public static void GlobalAverage(ReadOnlySpan<float> input, int pixels, int channels, Span<float> output)
    {
        output.Clear();
        for (int p = 0; p < pixels; p++)
            AddInPlace(output, input.Slice(p * channels, channels));
        float inv = 1f / pixels;
        for (int c = 0; c < channels; c++) output[c] *= inv;
    }

    /// <summary>acc += row * scalar.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyAdd(Span<float> acc, ReadOnlySpan<float> row, float scalar)
    {
        int i = 0, vs = Vector<float>.Count;
        var s = new Vector<float>(scalar);
        for (; i + vs <= acc.Length; i += vs)
            Vector.FusedMultiplyAdd(new Vector<float>(row.Slice(i)), s, new Vector<float>(acc.Slice(i))).CopyTo(acc.Slice(i));
        for (; i < acc.Length; i++)
            acc[i] += row[i] * scalar;
    }

    /// <summary>acc += a * b, element by element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MultiplyAddElementwise(Span<float> acc, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int i = 0, vs = Vector<float>.Count;
        for (; i + vs <= acc.Length; i += vs)
            Vector.FusedMultiplyAdd(new Vector<float>(a.Slice(i)), new Vector<float>(b.Slice(i)), new Vector<float>(acc.Slice(i))).CopyTo(acc.Slice(i));
        for (; i < acc.Length; i++)
            acc[i] += a[i] * b[i];
    }

    private static void AddInPlace(Span<float> acc, ReadOnlySpan<float> values)
    {
        int i = 0, vs = Vector<float>.Count;
        for (; i + vs <= acc.Length; i += vs)
            (new Vector<float>(acc.Slice(i)) + new Vector<float>(values.Slice(i))).CopyTo(acc.Slice(i));
        for (; i < acc.Length; i++)
            acc[i] += values[i];
    }
}
