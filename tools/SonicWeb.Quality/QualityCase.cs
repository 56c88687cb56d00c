namespace SonicWeb.Quality;

/// <summary>One fixed case of the quality report: a photo, a voice and the generation settings.</summary>
/// <param name="Photo">Which photo: "astronaut" or "border" (the astronaut cropped so the face touches the top-left edges).</param>
/// <param name="Voice">espeak-ng voice, e.g. "en-us" or "en+f3" (British, female variant; "en-gb+f3" silently ignores the variant).</param>
internal sealed record QualityCase(string Name, string Photo, string Voice, int Resolution, double MotionScale)
{
    /// <summary>Known words with pauses (SSML breaks); m/p/b closures inside loud phrases, open, spread and rounded vowels.</summary>
    public const string Script =
        "<speak>Hello, my name is Anna. <break time=\"800ms\"/> " +
        "Papa and mama bought a big bag of apples. <break time=\"900ms\"/> " +
        "We sell cool blue shoes, <break time=\"600ms\"/> and see you soon!</speak>";

    public static IReadOnlyList<QualityCase> All { get; } =
    [
        new("astronaut-512", "astronaut", "en-us", 512, 1.05),
        new("astronaut-512-still", "astronaut", "en-us", 512, 0),
        new("astronaut-1024-f3", "astronaut", "en+f3", 1024, 1.05),
        new("border-768", "border", "en-gb", 768, 1.05),
    ];
}
