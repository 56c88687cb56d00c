namespace SonicWeb.Engine.Rendering;

/// <summary>Least-squares parabola y = a + b x + c x^2 (lip lines are close to parabolas in the mouth frame).</summary>
internal static class Quadratic
{
    public static Func<float, float> Fit(IEnumerable<(float X, float Y)> points)
    {
        // Normal equations for 3 unknowns.
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, t0 = 0, t1 = 0, t2 = 0;
        foreach (var (px, py) in points)
        {
            double x = px, y = py, x2 = x * x;
            s0 += 1; s1 += x; s2 += x2; s3 += x2 * x; s4 += x2 * x2;
            t0 += y; t1 += x * y; t2 += x2 * y;
        }
        if (s0 == 0) return _ => 0;
        var m = new double[3, 4] { { s0, s1, s2, t0 }, { s1, s2, s3, t1 }, { s2, s3, s4, t2 } };
        for (int col = 0; col < 3; col++)
        {
            int pivot = col;
            for (int row = col + 1; row < 3; row++) if (Math.Abs(m[row, col]) > Math.Abs(m[pivot, col])) pivot = row;
            for (int k = 0; k < 4; k++) (m[col, k], m[pivot, k]) = (m[pivot, k], m[col, k]);
            if (Math.Abs(m[col, col]) < 1e-9) { float mean = (float)(t0 / s0); return _ => mean; } // degenerate: flat line
            for (int row = 0; row < 3; row++)
            {
                if (row == col) continue;
                double factor = m[row, col] / m[col, col];
                for (int k = 0; k < 4; k++) m[row, k] -= factor * m[col, k];
            }
        }
        float a = (float)(m[0, 3] / m[0, 0]), b = (float)(m[1, 3] / m[1, 1]), c = (float)(m[2, 3] / m[2, 2]);
        return x => a + b * x + c * x * x;
    }
}
