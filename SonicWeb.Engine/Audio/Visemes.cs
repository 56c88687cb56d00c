namespace SonicWeb.Engine.Audio;

/// <summary>The mouth-shape classes the animator distinguishes.</summary>
public enum VisemeClass
{
    /// <summary>Open vowels (a as in "father", "cut"): the jaw drops.</summary>
    Open,
    /// <summary>Spread vowels (i as in "see", e, I): lips wide, little jaw.</summary>
    Spread,
    /// <summary>Rounded vowels (u as in "who", o, "saw"): lips pursed, corners in.</summary>
    Rounded,
    /// <summary>Bilabial closure heard as a nasal murmur (m): lips pressed together while voiced.</summary>
    Closed,
    /// <summary>
    /// Alveolar nasal or lateral (n, l): the tongue tip closes the tract, the lips stay a little apart and
    /// the jaw only partly closes. Its murmur is close to m's; telling them apart is why this class exists.
    /// </summary>
    Alveolar,
}

/// <summary>
/// Per video frame, how much each <see cref="VisemeClass"/> the sound resembles (each 0..1, the sum at
/// most 1; the rest is "none of these": consonants, noise, silence). Index arrays by (int)VisemeClass.
/// </summary>
public sealed record VisemeWeights(float[] Open, float[] Spread, float[] Rounded, float[] Closed, float[] Alveolar)
{
    public int FrameCount => Open.Length;

    /// <summary>
    /// 0..1 per frame, a stop closure inside speech: the energy between 0.9 and 3.5 kHz (formants, which
    /// need an open vocal tract) falls at least 8 dB below the loudest of the frames around it on both
    /// sides, as in the silent hold of p and b or the murmur of m; or, read in 16 ms windows, 25-35 dB below the
    /// sound within 100 ms either side, for closures too short for the frame-rate spectrum (<see cref="FormantDips"/>).
    /// Null: not computed.
    /// </summary>
    public float[]? Occlusion { get; init; }

    /// <summary>
    /// 0..1 per frame, the release of a stop made by the tongue tip (t, d), told from the lips' (p, b) by its
    /// high, bright burst (<see cref="ReleaseBursts"/>); null: not computed.
    /// </summary>
    public float[]? TongueRelease { get; init; }

    public static VisemeWeights Empty(int frames) => new(new float[frames], new float[frames], new float[frames], new float[frames], new float[frames]);

    public float[] Of(VisemeClass c) => c switch
    {
        VisemeClass.Open => Open,
        VisemeClass.Spread => Spread,
        VisemeClass.Rounded => Rounded,
        VisemeClass.Closed => Closed,
        VisemeClass.Alveolar => Alveolar,
        _ => throw new ArgumentOutOfRangeException(nameof(c), c, "Unknown viseme class."),
    };
}

/// <summary>Mean spectral shape per class plus a pooled per-band spread (see <see cref="SpectralBands"/>).</summary>
public sealed record VisemeProfiles(IReadOnlyDictionary<VisemeClass, float[]> Means, float[] BandSpread);

/// <summary>
/// Derives <see cref="VisemeProfiles"/> from labelled recordings (espeak-ng saying one phoneme): every
/// frame within 12 dB of the recording's loudest frame counts as that phoneme.
/// </summary>
public static class VisemeProfileBuilder
{
    /// <summary>12 dB in natural-log energy units (the unit of <see cref="SpectralBands"/> levels).</summary>
    private const float LevelWindow = 2.76f;

    public static VisemeProfiles Build(IEnumerable<(VisemeClass Class, AudioClip Clip)> recordings, int fps = 25)
    {
        var frames = new Dictionary<VisemeClass, List<float[]>>();
        foreach (var (c, clip) in recordings)
        {
            int count = (int)(clip.Samples.Length / (double)clip.SampleRate * fps);
            var (shape, level) = SpectralBands.PerFrame(clip.Samples, clip.SampleRate, fps, count);
            if (count == 0) continue;
            float loudest = level.Max();
            if (!frames.TryGetValue(c, out var list)) frames[c] = list = [];
            for (int f = 0; f < count; f++)
                if (level[f] >= loudest - LevelWindow) list.Add(shape[f]);
        }
        int bands = SpectralBands.BandCount;
        var means = new Dictionary<VisemeClass, float[]>();
        var variance = new double[bands];
        int total = 0;
        foreach (var (c, list) in frames)
        {
            var mean = new float[bands];
            foreach (var v in list) for (int b = 0; b < bands; b++) mean[b] += v[b] / list.Count;
            means[c] = mean;
            foreach (var v in list) for (int b = 0; b < bands; b++) variance[b] += (v[b] - mean[b]) * (v[b] - mean[b]);
            total += list.Count;
        }
        var spread = variance.Select(v => (float)Math.Sqrt(v / Math.Max(1, total - 1))).ToArray();
        return new VisemeProfiles(means, spread);
    }
}

/// <summary>
/// Scores each frame's spectral shape against the class profiles: a Gaussian likelihood per class
/// (diagonal, pooled spread) turned into shares, with a "none of these" option at a fixed distance so
/// a sound unlike every profile (s, f, t, noise) gets low weights everywhere instead of a forced pick.
/// </summary>
public static class VisemeClassifier
{
    /// <summary>Mean squared normalised distance (per band) at which "none" is as likely as a class.</summary>
    public const float RejectDistance = 2.0f;

    public static VisemeWeights PerFrame(ReadOnlySpan<float> samples, int sampleRate, int fps, int frameCount, VisemeProfiles? profiles = null)
    {
        profiles ??= VisemeProfileTable.Default;
        var (shape, level) = SpectralBands.PerFrame(samples, sampleRate, fps, frameCount);
        var weights = VisemeWeights.Empty(frameCount) with
        {
            Occlusion = MaxOf(Occlusions(shape, level), FormantDips.PerFrame(samples, sampleRate, fps, frameCount)),
            TongueRelease = ReleaseBursts.TongueReleases(samples, sampleRate, fps, frameCount),
        };
        var classes = Enum.GetValues<VisemeClass>();
        var likelihood = new double[classes.Length];
        for (int f = 0; f < frameCount; f++)
        {
            double sum = Math.Exp(-0.5 * RejectDistance);
            for (int c = 0; c < classes.Length; c++)
            {
                likelihood[c] = profiles.Means.TryGetValue(classes[c], out var mean)
                    ? Math.Exp(-0.5 * Distance(shape[f], mean, profiles.BandSpread)) : 0;
                sum += likelihood[c];
            }
            for (int c = 0; c < classes.Length; c++)
                weights.Of(classes[c])[f] = (float)(likelihood[c] / sum);
        }
        return weights;
    }

    private static float[] MaxOf(float[] a, float[] b)
    {
        for (int i = 0; i < a.Length; i++) a[i] = MathF.Max(a[i], b[i]);
        return a;
    }

    /// <summary>See <see cref="VisemeWeights.Occlusion"/>: a dip of the formant bands' level between louder frames within 3 frames each side.</summary>
    private static float[] Occlusions(float[][] shape, float[] level)
    {
        int n = level.Length;
        var high = new float[n];
        for (int f = 0; f < n; f++) high[f] = level[f] + (shape[f][3] + shape[f][4] + shape[f][5] + shape[f][6]) / 4;
        var occlusion = new float[n];
        const float Db = 0.2303f; // natural-log energy units per dB
        for (int f = 0; f < n; f++)
        {
            float before = float.MinValue, after = float.MinValue;
            for (int k = 1; k <= 3; k++)
            {
                before = MathF.Max(before, high[Math.Max(0, f - k)]);
                after = MathF.Max(after, high[Math.Min(n - 1, f + k)]);
            }
            float depth = MathF.Min(before, after) - high[f];
            occlusion[f] = Ramp.SmoothStep(8 * Db, 16 * Db, depth);
        }
        return occlusion;
    }

    /// <summary>Mean over bands of the squared, spread-normalised difference.</summary>
    public static double Distance(float[] shape, float[] mean, float[] spread)
    {
        double d = 0;
        for (int b = 0; b < shape.Length; b++)
        {
            double z = (shape[b] - mean[b]) / Math.Max(1e-3f, spread[b]);
            d += z * z;
        }
        return d / shape.Length;
    }
}
