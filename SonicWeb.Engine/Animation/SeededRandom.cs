namespace SonicWeb.Engine.Animation;

/// <summary>
/// SplitMix64: a tiny generator whose sequence we own, so a seed gives the same animation on every
/// .NET version and machine (System.Random's seeded sequence is not a documented contract).
/// </summary>
internal sealed class SeededRandom(ulong seed)
{
    private ulong _state = seed;

    public static SeededRandom For(int seed, string stream)
    {
        // Independent streams per purpose (blinks, head noise) so adding one does not shift the other.
        ulong h = 1469598103934665603UL;
        foreach (char c in stream) h = (h ^ c) * 1099511628211UL;
        return new SeededRandom(h ^ (ulong)(uint)seed * 0x9E3779B97F4A7C15UL);
    }

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public double Range(double min, double max) => min + (max - min) * NextDouble();
}
