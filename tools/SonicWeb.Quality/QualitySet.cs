namespace SonicWeb.Quality;

/// <summary>A real portrait of the quality set; <paramref name="File"/> is under test-media/quality/.</summary>
internal sealed record Portrait(string Name, string File, string Traits);

/// <summary>A real recorded voice of the quality set; <paramref name="File"/> is under test-media/quality/.</summary>
internal sealed record Voice(string Name, string File, string Description);

/// <summary>
/// The real-use quality set (issue 13): photos and recordings an operator might upload, fetched by
/// scripts/fetch-quality-media.sh (test-media/quality/SOURCES.tsv has each file's package, version and
/// licence). Which traits each covers and which are missing is in docs/quality.md.
/// </summary>
internal static class QualitySet
{
    public static readonly Portrait[] Portraits =
    [
        new("smile-teeth-man", "smile-teeth-man.jpg", "man, broad smile with upper and lower teeth, head slightly turned, 565x800"),
        new("smile-teeth-older-man", "smile-teeth-older-man.jpg", "older man, smile with teeth, 726x825"),
        new("glasses-elderly-woman", "glasses-elderly-woman.jpg", "elderly woman, glasses, uniform, 512x600"),
        new("beard-white-older-man", "beard-white-older-man.jpg", "older man, white beard and moustache, 350x466"),
        new("beard-smile-teeth", "beard-smile-teeth.jpg", "man, full beard, smile with teeth, tight crop 254x269"),
        new("dark-skin-man", "dark-skin-man.jpg", "man, dark skin, tight crop 280x284"),
        new("dark-skin-woman", "dark-skin-woman.jpg", "woman, dark skin, make-up, tight crop 254x263"),
        new("elderly-woman-smile", "elderly-woman-smile.jpg", "elderly woman, smile with teeth, tight crop 224x218"),
        new("three-quarter-man", "three-quarter-man.jpg", "man, head turned (three-quarter), video frame 720x576"),
        new("teen-boy", "teen-boy.jpg", "teenager, 500x570"),
        new("phone-photo", "phone-photo-exif-rotated.jpg", "woman, lipstick; stored sideways with EXIF orientation 6, noise, strong JPEG (a transformation)"),
        new("snapshot-glasses", "snapshot-two-women-glasses.jpg", "flash snapshot, two women smiling with teeth, one with glasses, 360x480"),
        new("group-three-men", "group-three-men.jpg", "group of three men, glasses, goatee, smiles with teeth, 500x375"),
        new("group-four-women", "group-four-women.jpg", "group of four women, different skin tones, 1920x1537"),
        new("group-three-quarter", "group-three-quarter.jpg", "group of three women, heads tilted and turned, 1920x1280"),
        new("open-mouth-woman", "open-mouth-dim-light.jpg", "woman, mouth open in the photo (upper teeth and the dark inside show), dim warm light, crop 420x500"),
    ];

    public static readonly Voice[] Voices =
    [
        new("en-male-hf-radio", "voice-en-male-hf-radio.wav", "English, man, amateur HF radio: hiss and band noise throughout, 13.5 s"),
        new("en-male-radio-noisy", "voice-en-male-radio-noisy.wav", "English, man, radio with heavy noise and fading, 25 s"),
        new("en-two-speakers", "voice-en-two-speakers.wav", "English, two speakers (codec2's hts samples), quiet room, 24 s"),
        new("it-female-studio", "voice-it-female-studio.wav", "Italian, woman, studio prompt, 29 s"),
        new("ru-female-studio", "voice-ru-female-studio.wav", "Russian, woman, studio prompt, 31 s"),
        new("es-female-gsm", "voice-es-female-gsm.wav", "Spanish (Colombia), woman, GSM phone codec, 17 s"),
        new("fr-female-gsm", "voice-fr-female-gsm.wav", "French, woman, GSM phone codec, 26 s"),
    ];

    /// <summary>
    /// The documented sample of photo x voice pairs the report runs by default: every portrait with two
    /// voices, rotating through the voices so each voice meets four or five portraits (32 cases); the
    /// pairs are fixed, so runs compare. <c>--all-pairs</c> runs the full grid (112 cases).
    /// </summary>
    public static IEnumerable<(Portrait Photo, Voice Voice)> SamplePairs()
    {
        for (int i = 0; i < Portraits.Length; i++)
        {
            yield return (Portraits[i], Voices[i % Voices.Length]);
            yield return (Portraits[i], Voices[(i + 3) % Voices.Length]);
        }
    }

    public static IEnumerable<(Portrait Photo, Voice Voice)> AllPairs()
        => Portraits.SelectMany(p => Voices.Select(v => (p, v)));
}
