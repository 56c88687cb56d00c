using System.Globalization;

namespace SonicWeb.Bench;

/// <summary>
/// The benchmark's inputs, made at run time in a temporary folder: the astronaut portrait (fetched by
/// scripts/fetch-test-media.sh when missing) and espeak-ng speech looped by ffmpeg to each clip length.
/// </summary>
public sealed class BenchInputs : IDisposable
{
    private const string Text =
        "Good morning, and welcome to the quarterly review. Our team shipped three releases this spring, " +
        "and the feedback has been very encouraging. Today I will walk you through the numbers, " +
        "the lessons we learned, and what we plan to build next.";

    private readonly bool _keep;
    private readonly string _speech;

    private BenchInputs(string repoRoot, string folder, bool keep)
    {
        RepoRoot = repoRoot;
        Folder = folder;
        _keep = keep;
        ImagePath = Path.Combine(repoRoot, "test-media", "astronaut.png");
        if (!File.Exists(ImagePath))
            Tool.Run("bash", Path.Combine(repoRoot, "scripts", "fetch-test-media.sh"));
        _speech = Path.Combine(folder, "speech.wav");
        Tool.Run("espeak-ng", "-v", "en-us", "-s", "150", "-w", _speech, Text);
    }

    public string RepoRoot { get; }
    public string Folder { get; }
    public string ImagePath { get; }

    public static BenchInputs Create(bool keep)
    {
        var root = FindRepoRoot();
        return new BenchInputs(root, Directory.CreateTempSubdirectory("sonicweb-bench-").FullName, keep);
    }

    /// <summary>A WAV of exactly <paramref name="seconds"/>: the speech repeated (made once per length).</summary>
    public string Clip(double seconds)
    {
        var path = Path.Combine(Folder, $"clip-{seconds.ToString("0.###", CultureInfo.InvariantCulture)}s.wav");
        if (!File.Exists(path))
            Tool.Run("ffmpeg", "-hide_banner", "-v", "error", "-stream_loop", "-1", "-i", _speech,
                "-t", seconds.ToString(CultureInfo.InvariantCulture), "-c:a", "pcm_s16le", "-y", path);
        return path;
    }

    public string PathFor(string name) => Path.Combine(Folder, name);

    public void Dispose()
    {
        if (_keep) return;
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { }
    }

    /// <summary>The folder holding SonicWeb.sln, above the program or the current directory.</summary>
    private static string FindRepoRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "SonicWeb.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("SonicWeb.sln not found above the program or the current directory; run the benchmark from the repository.");
    }
}
