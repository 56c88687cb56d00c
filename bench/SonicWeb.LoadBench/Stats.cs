namespace SonicWeb.LoadBench;

/// <summary>Percentiles (nearest rank), a least-squares slope and the scatter around it: the only statistics the report needs.</summary>
public static class Stats
{
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.OrderBy(v => v).ToArray();
        int rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static string Summary(IReadOnlyList<double> ms) =>
        $"n={ms.Count} p50={Percentile(ms, 50):0} ms p95={Percentile(ms, 95):0} ms p99={Percentile(ms, 99):0} ms max={(ms.Count > 0 ? ms.Max() : double.NaN):0} ms";

    /// <summary>
    /// Standard deviation of y around its least-squares line (n - 2 degrees of freedom): how far the samples scatter
    /// beyond their trend. 0 for fewer than three values.
    /// </summary>
    public static double Scatter(IReadOnlyList<double> y)
    {
        int n = y.Count;
        if (n < 3) return 0;
        double slope = Slope(y), mx = (n - 1) / 2.0, my = y.Average(), sum = 0;
        for (int i = 0; i < n; i++) { double r = y[i] - (my + slope * (i - mx)); sum += r * r; }
        return Math.Sqrt(sum / (n - 2));
    }

    /// <summary>Slope of y over x (least squares).</summary>
    public static double Slope(IReadOnlyList<double> y)
    {
        int n = y.Count;
        if (n < 2) return 0;
        double mx = (n - 1) / 2.0, my = y.Average(), num = 0, den = 0;
        for (int i = 0; i < n; i++) { num += (i - mx) * (y[i] - my); den += (i - mx) * (i - mx); }
        return num / den;
    }
}
