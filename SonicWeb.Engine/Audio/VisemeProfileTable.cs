namespace SonicWeb.Engine.Audio;

/// <summary>
/// The shipped viseme profiles: numbers printed by <c>dotnet run --project tools/SonicWeb.Quality -- --derive-visemes</c>
/// (espeak-ng phoneme recordings, voices en-us, en-us+f3, en-us+m3, en-029; see
/// <see cref="VisemeRecordings"/>), and checked against a fresh derivation by VisemeProfileTests.
/// </summary>
public static class VisemeProfileTable
{
    public static VisemeProfiles Default { get; } = new(new Dictionary<VisemeClass, float[]>
    {
        [VisemeClass.Open] = [1.520f, 1.655f, 2.797f, 1.055f, 0.260f, -3.347f, -0.864f, -3.077f],
        [VisemeClass.Spread] = [4.840f, 4.044f, -1.144f, -6.344f, -4.724f, 1.315f, 2.209f, -0.197f],
        [VisemeClass.Rounded] = [3.072f, 3.712f, 2.210f, 1.802f, -4.736f, -2.633f, -0.443f, -2.985f],
        [VisemeClass.Closed] = [6.050f, 3.723f, -2.007f, 2.622f, -4.069f, -2.981f, -1.366f, -1.972f],
        [VisemeClass.Alveolar] = [6.082f, 5.197f, -1.288f, -5.914f, -0.124f, -2.814f, -0.387f, -0.751f],
    }, [1.217f, 0.888f, 2.333f, 1.885f, 2.929f, 2.449f, 1.103f, 1.360f]);
}

/// <summary>What the profiles are derived from: espeak-ng phoneme input ([[...]]) per class and the voices.</summary>
public static class VisemeRecordings
{
    public static readonly string[] Voices = ["en-us", "en-us+f3", "en-us+m3", "en-029"];

    public static readonly (VisemeClass Class, string Phonemes)[] Phonemes =
    [
        (VisemeClass.Open, "[[A:]]"), (VisemeClass.Open, "[[a]]"), (VisemeClass.Open, "[[V]]"),
        (VisemeClass.Spread, "[[i:]]"), (VisemeClass.Spread, "[[I]]"), (VisemeClass.Spread, "[[E]]"),
        (VisemeClass.Rounded, "[[u:]]"), (VisemeClass.Rounded, "[[U]]"), (VisemeClass.Rounded, "[[oU]]"), (VisemeClass.Rounded, "[[O:]]"),
        (VisemeClass.Closed, "[[m]]"), (VisemeClass.Closed, "[[mm]]"),
        (VisemeClass.Alveolar, "[[n]]"), (VisemeClass.Alveolar, "[[nn]]"), (VisemeClass.Alveolar, "[[l]]"),
    ];
}
