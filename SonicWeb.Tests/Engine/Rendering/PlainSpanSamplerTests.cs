using System.Runtime.Intrinsics.X86;
using SonicWeb.Engine.Rendering;

namespace SonicWeb.Tests.Engine.Rendering;

/// <summary>The AVX2 span sampler must give exactly the scalar sampler's bytes, inside the photo and where it reflects.</summary>
public class PlainSpanSamplerTests
{
    [Theory]
    [InlineData(-3.7f, -2.2f)]   // starts above and left of the photo: reflected rows and columns
    [InlineData(10.3f, -0.6f)]   // floor(y) = -1: the first row outside the photo
    [InlineData(5.1f, 37.4f)]    // the last two rows (the gathers must not read past the photo)
    [InlineData(2.9f, 17.25f)]   // well inside
    public unsafe void Simd_spans_match_the_scalar_sampler_byte_for_byte(float startX, float y)
    {
        Assert.True(Avx2.IsSupported, "this machine has AVX2; without it only the scalar path runs");
        const int sw = 61, sh = 40, width = 203;
        var photo = new byte[sw * sh * 3];
        var random = new Random(5);
        random.NextBytes(photo);
        var weights = new ushort[2 * width];
        for (int u = 0; u < width; u++) { weights[2 * u] = (ushort)random.Next(65536); weights[2 * u + 1] = (ushort)random.Next(65536); }
        // Head motion with a slope in both directions, so one row crosses the photo's edges.
        var row = new PlainSpanSampler.Row(startX, 0.37f, y, -1.3f, 0.011f, 0.4f, -0.004f, 2.1f, -1.7f);
        var simd = new byte[width * 3];
        var scalar = new byte[width * 3];
        fixed (byte* src = photo)
        fixed (ushort* w = weights)
        fixed (byte* a = simd)
        fixed (byte* b = scalar)
        {
            // Two spans with a gap, as around a mouth box; odd lengths leave scalar tails.
            PlainSpanSampler.Render(row, src, sw, sh, w, a, 0, 77);
            PlainSpanSampler.Render(row, src, sw, sh, w, a, 90, width);
            PlainSpanSampler.Render(row, src, sw, sh, w, b, 0, 77, allowSimd: false);
            PlainSpanSampler.Render(row, src, sw, sh, w, b, 90, width, allowSimd: false);
        }
        Assert.Equal(scalar, simd);
    }

    /// <summary>
    /// Many random rows over a photo of random bytes, with fractions at every 1/256 step: the AVX2 sampler (eight-byte
    /// gathers, separable 16-bit multiply-adds) must give the scalar sampler's exact bytes, and nothing outside the span.
    /// </summary>
    [Fact]
    public unsafe void Simd_sampler_matches_the_scalar_one_over_random_rows_and_leaves_the_rest_untouched()
    {
        Assert.True(Avx2.IsSupported, "this machine has AVX2; without it only the scalar path runs");
        const int sw = 97, sh = 53, width = 160;
        var random = new Random(11);
        var photo = new byte[sw * sh * 3];
        random.NextBytes(photo);
        var weights = new ushort[2 * width];
        for (int u = 0; u < width; u++) { weights[2 * u] = (ushort)random.Next(65536); weights[2 * u + 1] = (ushort)random.Next(65536); }
        var simd = new byte[width * 3 + 16];
        var scalar = new byte[width * 3 + 16];
        for (int trial = 0; trial < 400; trial++)
        {
            var row = new PlainSpanSampler.Row(random.NextSingle() * sw * 0.6f - 2, 0.05f + random.NextSingle() * 0.5f, random.NextSingle() * (sh + 4) - 2,
                random.NextSingle() * 4 - 2, random.NextSingle() * 0.02f - 0.01f, random.NextSingle() * 4 - 2, random.NextSingle() * 0.02f - 0.01f,
                random.NextSingle() * 6 - 3, random.NextSingle() * 6 - 3);
            int u0 = random.Next(20), u1 = width - random.Next(20);
            Array.Fill(simd, (byte)0xA5);
            Array.Fill(scalar, (byte)0xA5);
            fixed (byte* src = photo)
            fixed (ushort* w = weights)
            fixed (byte* a = simd)
            fixed (byte* b = scalar)
            {
                PlainSpanSampler.Render(row, src, sw, sh, w, a, u0, u1);
                PlainSpanSampler.Render(row, src, sw, sh, w, b, u0, u1, allowSimd: false);
            }
            Assert.Equal(scalar, simd);
        }
    }
}
