using System.Diagnostics;
using SonicWeb.Engine.Quality;

namespace SonicWeb.Quality;

/// <summary>
/// The photos and voices of the cases: the quality set's real files (fetched by
/// scripts/fetch-quality-media.sh), the astronaut, and espeak-ng speech with its phoneme timing
/// (made once per run in the work folder).
/// </summary>
internal sealed class CaseInputs(string repoRoot, string workDir)
{
    private readonly Dictionary<string, IReadOnlyList<TimedPhoneme>> _phonemes = [];

    public string Photo(string name)
    {
        string astronaut = Path.Combine(repoRoot, "test-media", "astronaut.png");
        if (!File.Exists(astronaut)) Run("bash", Path.Combine(repoRoot, "scripts", "fetch-test-media.sh"));
        if (name == "astronaut") return astronaut;
        if (name == "border")
        {
            // Cut the photo so the face sits near the top-left corner, then widen it with flat grey on the
            // right and below: an off-centre face whose framing square reaches past the image edge.
            string path = Path.Combine(workDir, "border.png");
            if (!File.Exists(path))
                Run("ffmpeg", "-v", "error", "-y", "-i", astronaut, "-vf", "crop=362:452:150:60,pad=820:600:0:0:color=0x7a8290", path);
            return path;
        }
        // A photo file of one's own (one the set was not tuned on): its path, with a folder or an extension.
        if ((name.Contains('/') || Path.HasExtension(name)) && File.Exists(name)) return Path.GetFullPath(name);
        var portrait = QualitySet.Portraits.FirstOrDefault(p => p.Name == name)
            ?? throw new ArgumentException($"Unknown photo '{name}'. Photos: astronaut, border, {string.Join(", ", QualitySet.Portraits.Select(p => p.Name))}.");
        return SetFile(portrait.File);
    }

    public string Voice(string voice)
    {
        if (voice.StartsWith("espeak:", StringComparison.Ordinal))
        {
            string espeakVoice = voice["espeak:".Length..];
            string path = Path.Combine(workDir, "speech-" + espeakVoice.Replace('+', '_') + ".wav");
            if (!_phonemes.ContainsKey(voice)) _phonemes[voice] = EspeakPhonemes.Synthesise(QualityCase.Script, espeakVoice, path);
            return path;
        }
        var real = QualitySet.Voices.FirstOrDefault(v => v.Name == voice)
            ?? throw new ArgumentException($"Unknown voice '{voice}'. Voices: espeak:VOICE, {string.Join(", ", QualitySet.Voices.Select(v => v.Name))}.");
        return SetFile(real.File);
    }

    /// <summary>The phoneme timing of an espeak voice made by <see cref="Voice"/> (null for recorded voices).</summary>
    public IReadOnlyList<TimedPhoneme>? Phonemes(string voice) => _phonemes.GetValueOrDefault(voice);

    private string SetFile(string file)
    {
        string path = Path.Combine(repoRoot, "test-media", "quality", file);
        if (!File.Exists(path)) Run("bash", Path.Combine(repoRoot, "scripts", "fetch-quality-media.sh"));
        return path;
    }

    private static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardOutput.ReadToEnd();
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} exited {p.ExitCode}: {err}");
    }
}
