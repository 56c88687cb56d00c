using System.Globalization;

namespace SonicWeb.Engine.Media;

/// <summary>Number formatting for user-facing messages (always invariant culture).</summary>
internal static class MediaText
{
    public static string Megabytes(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.0", CultureInfo.InvariantCulture) + " MB";

    public static string Megapixels(long pixels) => (pixels / 1_000_000.0).ToString("0.0", CultureInfo.InvariantCulture) + " MP";

    public static string Seconds(double seconds) => seconds.ToString("0.0##", CultureInfo.InvariantCulture) + " s";
}
