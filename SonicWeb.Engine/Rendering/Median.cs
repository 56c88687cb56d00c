namespace SonicWeb.Engine.Rendering;

/// <summary>The upper median of a few samples (the photo's colours read by the mouth's scans): robust to a stray pixel.</summary>
internal static class Median
{
    public static float Of(IEnumerable<float> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[sorted.Length / 2];
    }
}
