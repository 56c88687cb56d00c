namespace SonicWeb.Api;

/// <summary>File names for downloads: letters, digits, dash, underscore, space (and dots inside) only.</summary>
public static class DownloadNames
{
    /// <summary>The name with anything else replaced by '_', at most 80 characters; <paramref name="fallback"/> when nothing is left.</summary>
    public static string Safe(string name, string fallback, bool allowDots = true)
    {
        var clean = new string(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or ' ' || (allowDots && c == '.') ? c : '_').ToArray()).Trim().Trim('.');
        return clean.Length == 0 ? fallback : clean.Length > 80 ? clean[..80] : clean;
    }

    /// <summary>"name.mp4", or "name (2).mp4" when that is taken.</summary>
    public static string Unique(string stem, string extension, HashSet<string> taken)
    {
        var name = stem + extension;
        for (int n = 2; !taken.Add(name); n++) name = $"{stem} ({n}){extension}";
        return name;
    }
}
