using SonicWeb.Tests.TestSupport;

namespace SonicWeb.Tests.Engine.Media;

/// <summary>Media files generated at test time for the media tests (cached per run in TestMedia.WorkDir).</summary>
internal static class MediaFixtures
{
    /// <summary>About 2 s of espeak-ng speech (22.05 kHz mono WAV).</summary>
    public static string SpeechWav => TestMedia.Speech("hello world, this is a test", "media-speech");

    /// <summary>A speech file in another format, converted by ffmpeg from <see cref="SpeechWav"/>.</summary>
    public static string SpeechAs(string extension, params string[] args) =>
        TestMedia.Convert(SpeechWav, "media-speech" + string.Join("", args).Replace(":", "").Replace("-", "_") + "." + extension, args);

    /// <summary>
    /// An 80x40 grey picture (as stored) with a red square in the stored top-left corner and a green square
    /// in the stored top-right corner, saved as <paramref name="extension"/>, EXIF Orientation set by exiftool.
    /// </summary>
    public static string MarkedImage(string extension, int orientation)
    {
        var name = $"marked-o{orientation}.{extension}";
        var path = Path.Combine(TestMedia.WorkDir, name);
        if (File.Exists(path)) return path;
        var tmp = Path.Combine(TestMedia.WorkDir, $"tmp-{Guid.NewGuid():N}.{extension}");
        var quality = extension == "jpg" ? new[] { "-q:v", "2" } : [];
        TestMedia.Run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i",
            "color=c=gray:s=80x40,drawbox=x=0:y=0:w=16:h=16:color=red:t=fill,drawbox=x=64:y=0:w=16:h=16:color=lime:t=fill",
            "-frames:v", "1", .. quality, tmp]);
        if (orientation != 1)
            TestMedia.Run("exiftool", "-q", "-overwrite_original", $"-Orientation={orientation}", "-n", tmp);
        File.Move(tmp, path, overwrite: true);
        return path;
    }

    /// <summary>A fresh empty folder for one test.</summary>
    public static string NewFolder(string name)
    {
        var dir = Path.Combine(TestMedia.WorkDir, name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static string WriteFile(string name, byte[] bytes)
    {
        var path = Path.Combine(NewFolder("file"), name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
