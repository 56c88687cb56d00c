using SonicWeb.Engine.Imaging;

namespace SonicWeb.Tests.Engine.Media;

internal static class ImageCompare
{
    /// <summary>Peak signal-to-noise ratio in dB over all RGB bytes (infinity when identical).</summary>
    public static double Psnr(RgbImage a, RgbImage b)
    {
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        double sum = 0;
        int n = a.Width * a.Height * 3;
        for (int i = 0; i < n; i++)
        {
            double d = a.Pixels[i] - b.Pixels[i];
            sum += d * d;
        }
        double mse = sum / n;
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / mse);
    }

    /// <summary>Mean and largest absolute difference over all RGB bytes.</summary>
    public static (double Mean, int Max) AbsoluteDifference(RgbImage a, RgbImage b)
    {
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        long sum = 0;
        int max = 0, n = a.Width * a.Height * 3;
        for (int i = 0; i < n; i++)
        {
            int d = Math.Abs(a.Pixels[i] - b.Pixels[i]);
            sum += d;
            max = Math.Max(max, d);
        }
        return ((double)sum / n, max);
    }
}
