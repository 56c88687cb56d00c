using System.Diagnostics;
using SonicWeb.Engine.Imaging;

namespace SonicWeb.Tests.TestSupport;

/// <summary>
/// Test inputs made or fetched at test time (nothing third-party is committed): the public-domain
/// astronaut portrait from Debian's python3-skimage, speech from espeak-ng, other formats by ffmpeg.
/// Generated files are cached per test run under a temp folder.
/// </summary>
public static class TestMedia
{
    private static readonly Lazy<string> RepoRootLazy = new(FindRepoRoot);
    private static readonly Lazy<string> WorkDirLazy = new(() => Directory.CreateTempSubdirectory("sonicweb-tests-").FullName);
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static string RepoRoot => RepoRootLazy.Value;

    /// <summary>A scratch folder for this test run.</summary>
    public static string WorkDir => WorkDirLazy.Value;

    /// <summary>Folder for artefacts a person should look at (screenshots, contact sheets).</summary>
    public static string ArtifactsDir
    {
        get
        {
            var dir = Path.Combine(RepoRoot, "test-artifacts");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    /// <summary>512x512 RGB PNG of a frontal face (Eileen Collins, NASA, public domain).</summary>
    public static string AstronautPng
    {
        get
        {
            var path = Path.Combine(RepoRoot, "test-media", "astronaut.png");
            if (!File.Exists(path))
                Run("bash", Path.Combine(RepoRoot, "scripts", "fetch-test-media.sh"));
            return path;
        }
    }

    /// <summary>A file of the real-use quality set (test-media/quality/, fetched by scripts/fetch-quality-media.sh).</summary>
    public static string QualitySet(string file)
    {
        var path = Path.Combine(RepoRoot, "test-media", "quality", file);
        if (!File.Exists(path))
        {
            Gate.Wait();
            try { if (!File.Exists(path)) Run("bash", Path.Combine(RepoRoot, "scripts", "fetch-quality-media.sh")); }
            finally { Gate.Release(); }
        }
        return path;
    }

    /// <summary>
    /// Speech by espeak-ng as a 22.05 kHz mono WAV. Pauses: use "[[_:500]]"-free text with commas, or
    /// call <see cref="SpeechWithPauses"/>.
    /// </summary>
    public static string Speech(string text, string name)
    {
        var path = Path.Combine(WorkDir, name + ".wav");
        Cached(path, () => Run("espeak-ng", "-v", "en-us", "-s", "150", "-w", path, text));
        return path;
    }

    /// <summary>
    /// espeak-ng speech with real silences between phrases: phrase, silence (seconds), phrase, ...
    /// Returns the WAV path; the silences' start/end times in seconds are in <paramref name="silences"/>.
    /// </summary>
    public static string SpeechWithPauses(string name, double pauseSeconds, out List<(double Start, double End)> silences, params string[] phrases)
    {
        var parts = new List<string>();
        for (int i = 0; i < phrases.Length; i++)
            parts.Add(Speech(phrases[i], $"{name}-part{i}"));
        var path = Path.Combine(WorkDir, name + ".wav");
        silences = new List<(double, double)>();
        double t = 0;
        for (int i = 0; i < parts.Count; i++)
        {
            t += ProbeDuration(parts[i]);
            if (i < parts.Count - 1)
            {
                silences.Add((t, t + pauseSeconds));
                t += pauseSeconds;
            }
        }
        Cached(path, () =>
        {
            var args = new List<string> { "-v", "error", "-y" };
            foreach (var p in parts) args.AddRange(["-i", p]);
            var filter = string.Join("", parts.Select((_, i) => i < parts.Count - 1
                ? $"[{i}:a]aresample=22050,apad=pad_dur={pauseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}[a{i}];"
                : $"[{i}:a]aresample=22050[a{i}];"));
            filter += string.Join("", parts.Select((_, i) => $"[a{i}]")) + $"concat=n={parts.Count}:v=0:a=1[out]";
            args.AddRange(["-filter_complex", filter, "-map", "[out]", "-ac", "1", path]);
            Run("ffmpeg", args.ToArray());
        });
        return path;
    }

    /// <summary>Converts a media file with ffmpeg (format from the extension), cached by name.</summary>
    public static string Convert(string input, string outputName, params string[] extraArgs)
    {
        var path = Path.Combine(WorkDir, outputName);
        Cached(path, () => Run("ffmpeg", ["-v", "error", "-y", "-i", input, .. extraArgs, path]));
        return path;
    }

    public static double ProbeDuration(string path)
    {
        var output = Run("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "default=nw=1:nk=1", path);
        return double.Parse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Decodes any image ffmpeg reads into RGB24 (test helper; the engine has its own loader).</summary>
    public static RgbImage LoadRgb(string path)
    {
        var size = Run("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0", path).Trim().Split(',');
        int w = int.Parse(size[0]), h = int.Parse(size[1]);
        var bytes = RunBinary("ffmpeg", "-v", "error", "-i", path, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1");
        return new RgbImage(w, h, bytes);
    }

    /// <summary>Writes an RGB image as PNG through ffmpeg (test helper, for looking at results).</summary>
    public static void SavePng(RgbImage image, string path)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{image.Width}x{image.Height}", "-i", "pipe:0", "-frames:v", "1", path })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardInput.BaseStream.Write(image.Pixels, 0, image.Width * image.Height * 3);
        p.StandardInput.Close();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"ffmpeg failed writing {path}: {err.Result}");
    }

    public static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }

    public static byte[] RunBinary(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        using var ms = new MemoryStream();
        p.StandardOutput.BaseStream.CopyTo(ms);
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {stderr.Result}");
        return ms.ToArray();
    }

    private static void Cached(string path, Action make)
    {
        Gate.Wait();
        try { if (!File.Exists(path)) make(); }
        finally { Gate.Release(); }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SonicWeb.sln"))) return dir.FullName;
        throw new InvalidOperationException("SonicWeb.sln not found above " + AppContext.BaseDirectory);
    }
}
