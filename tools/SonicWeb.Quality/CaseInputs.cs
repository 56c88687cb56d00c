using System.Diagnostics;

namespace SonicWeb.Quality;

/// <summary>Makes the photos and voices of the cases with espeak-ng and ffmpeg (cached in the work folder).</summary>
internal sealed class CaseInputs(string repoRoot, string workDir)
{
    public string Photo(string name)
    {
        string astronaut = Path.Combine(repoRoot, "test-media", "astronaut.png");
        if (!File.Exists(astronaut)) Run("bash", Path.Combine(repoRoot, "scripts", "fetch-test-media.sh"));
        if (name == "astronaut") return astronaut;
        if (name != "border") throw new ArgumentException($"Unknown photo '{name}'.");
        // Cut the photo so the face sits near the top-left corner, then widen it with flat grey on the
        // right and below: an off-centre face whose framing square reaches past the image edge.
        string path = Path.Combine(workDir, "border.png");
        if (!File.Exists(path))
            Run("ffmpeg", "-v", "error", "-y", "-i", astronaut, "-vf", "crop=362:452:150:60,pad=820:600:0:0:color=0x7a8290", path);
        return path;
    }

    public string Voice(string voice)
    {
        string path = Path.Combine(workDir, "speech-" + voice.Replace('+', '_') + ".wav");
        if (!File.Exists(path))
            Run("espeak-ng", "-m", "-v", voice, "-s", "150", "-w", path, QualityCase.Script);
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
