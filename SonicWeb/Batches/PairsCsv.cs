using System.Text;

namespace SonicWeb.Batches;

/// <summary>One line of pairs.csv: the photo and recording paths inside the zip, and an optional video name.</summary>
public sealed record PairRow(int Line, string Image, string Audio, string? Name);

/// <summary>
/// Reads pairs.csv (columns image,audio[,name]; comma or semicolon separated, quotes as in RFC 4180, an
/// optional header line starting with "image"). Problems are reported by line number.
/// </summary>
public static class PairsCsv
{
    public const string FileName = "pairs.csv";

    public static (List<PairRow> Rows, Dictionary<string, string[]> Errors) Parse(string text)
    {
        var rows = new List<PairRow>();
        var errors = new Dictionary<string, string[]>();
        var lines = text.TrimStart('\uFEFF').Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
        char separator = lines.FirstOrDefault(l => l.Trim().Length > 0) is { } first && first.Count(c => c == ';') > first.Count(c => c == ',') ? ';' : ',';
        for (int i = 0; i < lines.Length; i++)
        {
            int lineNumber = i + 1;
            if (lines[i].Trim().Length == 0) continue;
            var cells = Split(lines[i], separator);
            if (rows.Count == 0 && errors.Count == 0 && cells[0].Trim().Equals("image", StringComparison.OrdinalIgnoreCase)) continue; // header
            if (cells.Count < 2 || cells[0].Trim().Length == 0 || cells[1].Trim().Length == 0)
            {
                errors[$"{FileName} line {lineNumber}"] = [$"{FileName} line {lineNumber}: expected image,audio[,name] (got '{lines[i].Trim()}')."];
                continue;
            }
            var name = cells.Count > 2 && cells[2].Trim().Length > 0 ? cells[2].Trim() : null;
            rows.Add(new PairRow(lineNumber, cells[0].Trim(), cells[1].Trim(), name));
        }
        return (rows, errors);
    }

    private static List<string> Split(string line, char separator)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == separator) { cells.Add(cell.ToString()); cell.Clear(); }
            else cell.Append(c);
        }
        cells.Add(cell.ToString());
        return cells;
    }
}
