using System.Globalization;

namespace SonicWeb.Storage;

/// <summary>File sizes in messages: "50.0 MB" (binary megabytes, invariant culture).</summary>
public static class ByteSizes
{
    public static string Megabytes(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.0", CultureInfo.InvariantCulture) + " MB";
}
