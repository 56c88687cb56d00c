namespace SonicWeb.Quality;

/// <summary>One case of the quality report: a photo, a voice and the generation settings.</summary>
/// <param name="Photo">"astronaut", "border" (the astronaut cropped so the face touches the top-left edges) or a <see cref="QualitySet.Portraits"/> name.</param>
/// <param name="Voice">"espeak:VOICE" (the script below, e.g. "espeak:en-us"; "en+f3" is the British female
/// variant, "en-gb+f3" silently ignores the variant) or a <see cref="QualitySet.Voices"/> name.</param>
internal sealed record QualityCase(string Name, string Photo, string Voice, int Resolution, double MotionScale)
{
    /// <summary>Known words with pauses (SSML breaks); m/p/b closures inside loud phrases, open, spread and rounded vowels.</summary>
    public const string Script =
        "<speak>Hello, my name is Anna. <break time=\"800ms\"/> " +
        "Papa and mama bought a big bag of apples. <break time=\"900ms\"/> " +
        "We sell cool blue shoes, <break time=\"600ms\"/> and see you soon!</speak>";

    public bool IsEspeak => Voice.StartsWith("espeak:", StringComparison.Ordinal);

    /// <summary>The synthetic cases kept from the first rounds: known phoneme timing, so the bilabial measure applies.</summary>
    public static IReadOnlyList<QualityCase> Espeak { get; } =
    [
        new("astronaut-512", "astronaut", "espeak:en-us", 512, 1.05),
        new("astronaut-512-still", "astronaut", "espeak:en-us", 512, 0),
        new("astronaut-1024-f3", "astronaut", "espeak:en+f3", 1024, 1.05),
        new("border-768", "border", "espeak:en-gb", 768, 1.05),
    ];

    /// <summary>The real-use cases: <see cref="QualitySet.SamplePairs"/> (or every pair) at <paramref name="resolution"/>.</summary>
    public static IEnumerable<QualityCase> RealUse(bool allPairs, int resolution)
        => (allPairs ? QualitySet.AllPairs() : QualitySet.SamplePairs())
            .Select(p => new QualityCase($"{p.Photo.Name}+{p.Voice.Name}", p.Photo.Name, p.Voice.Name, resolution, 1.05));
}
