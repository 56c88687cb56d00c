namespace SonicWeb.Engine.Quality;

/// <summary>How far the lips close on a kind of consonant (bilabials unless told otherwise), measured on the video.</summary>
/// <param name="MeanShare">Mean over the consonants of the smallest opening while each is spoken, as a share of the median opening on vowel frames.</param>
/// <param name="WorstShare">The same for the least closed one (for t and d, read <see cref="LeastShare"/>: the most closed).</param>
/// <param name="Consonants">How many consonants were measured (p/b/m by default).</param>
/// <param name="VowelMedian">Median opening on vowel frames.</param>
/// <param name="LeastShare">The share of the most closed one.</param>
public sealed record ClosureFigures(double MeanShare, double WorstShare, int Consonants, double VowelMedian, double LeastShare = double.NaN);

public static class ClosureStatistics
{
    /// <summary>
    /// <paramref name="opening"/>: measured opening per frame. A p/b/m whose phoneme event spans
    /// [start, end) seconds may show its closure on any frame overlapping [start - lead - hold, end): the
    /// mouth is designed to lead the sound by <paramref name="leadSeconds"/>, and espeak-ng's p and b
    /// events start at the release burst, after the lips have been shut for the silent hold of the stop
    /// (<paramref name="holdSeconds"/>). Its figure is the smallest opening there. Vowel frames are those
    /// whose centre, moved by the lead, falls inside a vowel. <paramref name="consonants"/> picks other
    /// consonants to measure the same way (t and d, whose lips should stay apart).
    /// </summary>
    public static ClosureFigures Compute(float[] opening, int fps, IReadOnlyList<TimedPhoneme> phonemes, double leadSeconds = 0.04, double holdSeconds = 0.04,
        Func<TimedPhoneme, bool>? consonants = null)
    {
        consonants ??= p => p.IsBilabial;
        var vowelOpenings = new List<float>();
        for (int i = 0; i < opening.Length; i++)
        {
            double t = (i + 0.5) / fps + leadSeconds;
            if (phonemes.Any(p => p.IsVowel && t >= p.Start && t < p.End)) vowelOpenings.Add(opening[i]);
        }
        vowelOpenings.Sort();
        double median = vowelOpenings.Count == 0 ? 0 : vowelOpenings[vowelOpenings.Count / 2];
        var shares = new List<double>();
        foreach (var p in phonemes.Where(consonants))
        {
            int first = Math.Max(0, (int)Math.Floor((p.Start - leadSeconds - holdSeconds) * fps));
            int last = Math.Min(opening.Length - 1, (int)Math.Ceiling(p.End * fps) - 1);
            if (last < first) continue;
            float least = float.MaxValue;
            for (int i = first; i <= last; i++) least = Math.Min(least, opening[i]);
            shares.Add(median > 0 ? least / median : 0);
        }
        return shares.Count == 0
            ? new ClosureFigures(double.NaN, double.NaN, 0, median)
            : new ClosureFigures(shares.Average(), shares.Max(), shares.Count, median, shares.Min());
    }
}
