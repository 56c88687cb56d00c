using System.Globalization;
using SonicWeb.Data;

namespace SonicWeb.Components.Shared;

/// <summary>Display formatting shared by the pages (plain functions, no rendering logic).</summary>
public static class Format
{
    public static string Seconds(double? s) => s is not { } v ? "–"
        : v < 60 ? v.ToString("0.0", CultureInfo.InvariantCulture) + " s"
        : $"{(int)(v / 60)} min {(int)(v % 60):00} s";

    public static string Time(DateTime? utc) => utc is { } t ? t.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "–";

    /// <summary>Day part of <see cref="Time"/> (narrow table cells show day and clock on two lines).</summary>
    public static string Day(DateTime utc) => utc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Clock part of <see cref="Time"/>.</summary>
    public static string Clock(DateTime utc) => utc.ToString("HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string StatusClass(JobStatus status) => "status status-" + status.ToString().ToLowerInvariant();
}
