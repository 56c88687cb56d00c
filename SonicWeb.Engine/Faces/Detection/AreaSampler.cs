using System.Buffers;
using SonicWeb.Engine.Imaging;

namespace SonicWeb.Engine.Faces.Detection;

/// <summary>
/// Resamples a rectangle of an image (it may reach past the image edges; outside counts as black) to
/// outWidth x outHeight floats, interleaved RGB scaled to [-1, 1], rows top-down: BlazeFace's input
/// format. Area averaging when shrinking (each output pixel is the mean of the source area it covers,
/// so large photos do not alias), linear interpolation when enlarging. Separable: one horizontal pass
/// over the source rows involved, then one vertical pass.
/// </summary>
internal static unsafe class AreaSampler
{
    public static void Sample(RgbImage image, RectF region, int outWidth, int outHeight, Span<float> destination)
    {
        int rowFloats = outWidth * 3;
        if (destination.Length < rowFloats * outHeight)
            throw new ArgumentException($"Need {rowFloats * outHeight} floats, got {destination.Length}.", nameof(destination));
        var columns = AxisWeights.For(region.X, region.Width, outWidth, image.Width);
        var rows = AxisWeights.For(region.Y, region.Height, outHeight, image.Height);

        int firstRow = rows.FirstSource, rowCount = rows.SourceSpan;
        float[] horizontal = ArrayPool<float>.Shared.Rent(Math.Max(1, rowCount * rowFloats));
        try
        {
            fixed (byte* pixels = image.Pixels)
            fixed (float* h = horizontal)
            fixed (int* cStart = columns.Start, cCount = columns.Count, cOffset = columns.Offset)
            fixed (float* cWeight = columns.Weights)
            {
                for (int r = 0; r < rowCount; r++)
                {
                    byte* src = pixels + (long)(firstRow + r) * image.Stride;
                    float* dst = h + (long)r * rowFloats;
                    for (int x = 0; x < outWidth; x++)
                    {
                        float red = 0, green = 0, blue = 0;
                        byte* p = src + cStart[x] * 3;
                        float* w = cWeight + cOffset[x];
                        for (int k = 0; k < cCount[x]; k++, p += 3)
                        {
                            red += w[k] * p[0];
                            green += w[k] * p[1];
                            blue += w[k] * p[2];
                        }
                        dst[x * 3] = red;
                        dst[x * 3 + 1] = green;
                        dst[x * 3 + 2] = blue;
                    }
                }
            }

            fixed (float* h = horizontal)
            fixed (float* outBase = destination)
            {
                for (int y = 0; y < outHeight; y++)
                {
                    float* dst = outBase + (long)y * rowFloats;
                    new Span<float>(dst, rowFloats).Clear();
                    int start = rows.Start[y] - firstRow, offset = rows.Offset[y];
                    for (int k = 0; k < rows.Count[y]; k++)
                    {
                        float w = rows.Weights[offset + k];
                        float* src = h + (long)(start + k) * rowFloats;
                        for (int i = 0; i < rowFloats; i++) dst[i] += w * src[i];
                    }
                    for (int i = 0; i < rowFloats; i++) dst[i] = dst[i] * (1f / 127.5f) - 1f;
                }
            }
        }
        finally { ArrayPool<float>.Shared.Return(horizontal); }
    }

    /// <summary>
    /// For each output pixel along one axis: a run of consecutive in-image source pixels
    /// (Start, Count) and their weights (at Offset in Weights). Source pixels outside the image are
    /// left out, so their share of the output stays black.
    /// </summary>
    private sealed class AxisWeights
    {
        public required int[] Start, Count, Offset;
        public required float[] Weights;
        public int FirstSource, SourceSpan;

        public static AxisWeights For(float regionStart, float regionLength, int outLength, int sourceLength)
        {
            float step = regionLength / outLength;
            var start = new int[outLength];
            var count = new int[outLength];
            var offset = new int[outLength];
            var weights = new List<float>();
            int lo = int.MaxValue, hi = int.MinValue;
            for (int o = 0; o < outLength; o++)
            {
                offset[o] = weights.Count;
                float a = regionStart + o * step, b = a + step;
                int first = -1, n = 0;
                void Add(int s, float w)
                {
                    if (s < 0 || s >= sourceLength || w <= 0) return;
                    if (first < 0) first = s;
                    weights.Add(w);
                    n++;
                }
                if (step >= 1f)
                {
                    // Shrinking: box filter over [a, b).
                    for (int s = (int)MathF.Floor(a); s < b; s++)
                        Add(s, (MathF.Min(b, s + 1) - MathF.Max(a, s)) / step);
                }
                else if (a >= 0 && b <= sourceLength)
                {
                    // Enlarging: linear interpolation at the output pixel's centre.
                    float centre = (a + b) / 2f - 0.5f;
                    int s0 = Math.Clamp((int)MathF.Floor(centre), 0, sourceLength - 1);
                    int s1 = Math.Min(s0 + 1, sourceLength - 1);
                    float t = Math.Clamp(centre - s0, 0f, 1f);
                    if (s1 == s0) Add(s0, 1f);
                    else { Add(s0, 1 - t); Add(s1, t); }
                }
                start[o] = Math.Max(first, 0);
                count[o] = n;
                if (n > 0) { lo = Math.Min(lo, first); hi = Math.Max(hi, first + n); }
            }
            bool any = lo != int.MaxValue;
            return new AxisWeights
            {
                Start = start, Count = count, Offset = offset, Weights = weights.ToArray(),
                FirstSource = any ? lo : 0, SourceSpan = any ? hi - lo : 0,
            };
        }
    }
}
