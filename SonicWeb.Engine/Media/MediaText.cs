using SonicWeb.Engine.Errors;
using System.Globalization;

namespace SonicWeb.Engine.Media;

/// <summary>Number formatting for user-facing messages (always invariant culture).</summary>
internal static class MediaText
{
    public static string Megabytes(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.0", CultureInfo.InvariantCulture) + " MB";

    public static string Megapixels(long pixels) => (pixels / 1_000_000.0).ToString("0.0", CultureInfo.InvariantCulture) + " MP";

    public static string Seconds(double seconds) => seconds.ToString("0.0##", CultureInfo.InvariantCulture) + " s";

    /// <summary>
    /// The checks every uploaded file gets before it is opened: exists, not empty, within its byte
    /// limit. <paramref name="kind"/> is "image" or "audio"; <paramref name="setting"/> names the limit.
    /// </summary>
    public static FileInfo RequireFile(string path, string kind, long maxBytes, string setting, string missingCode, string emptyCode)
    {
        var name = Path.GetFileName(path);
        var file = new FileInfo(path);
        if (!file.Exists)
            throw new SonicEngineException(missingCode, $"The {kind} file '{name}' does not exist.");
        if (file.Length == 0)
            throw new SonicEngineException(emptyCode, $"The {kind} file '{name}' is empty (0 bytes).");
        if (file.Length > maxBytes)
            throw new SonicEngineException(EngineErrorCodes.FileTooLarge,
                $"The {kind} file is {Megabytes(file.Length)}; the limit is {Megabytes(maxBytes)} ({setting}).");
        return file;
    }
}
