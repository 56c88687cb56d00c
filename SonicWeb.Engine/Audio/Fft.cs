namespace SonicWeb.Engine.Audio;

/// <summary>In-place iterative radix-2 FFT (complex, forward), enough for short analysis windows.</summary>
public static class Fft
{
    /// <summary>Transforms (re, im) in place; the length must be a power of two.</summary>
    public static void Forward(Span<float> re, Span<float> im)
    {
        int n = re.Length;
        if (n != im.Length || n == 0 || (n & (n - 1)) != 0)
            throw new ArgumentException($"FFT length must be a power of two and equal for both parts (got {n} and {im.Length}).");
        for (int i = 1, j = 0; i < n; i++)
        {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) j ^= bit;
            j |= bit;
            if (i < j) { (re[i], re[j]) = (re[j], re[i]); (im[i], im[j]) = (im[j], im[i]); }
        }
        for (int size = 2; size <= n; size <<= 1)
        {
            double angle = -2 * Math.PI / size;
            float wr = (float)Math.Cos(angle), wi = (float)Math.Sin(angle);
            for (int start = 0; start < n; start += size)
            {
                float cr = 1, ci = 0;
                for (int k = 0; k < size / 2; k++)
                {
                    int a = start + k, b = a + size / 2;
                    float tr = re[b] * cr - im[b] * ci, ti = re[b] * ci + im[b] * cr;
                    re[b] = re[a] - tr; im[b] = im[a] - ti;
                    re[a] += tr; im[a] += ti;
                    float next = cr * wr - ci * wi;
                    ci = cr * wi + ci * wr; cr = next;
                }
            }
        }
    }
}
