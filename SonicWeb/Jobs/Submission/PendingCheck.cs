using System.Text.Json;

namespace SonicWeb.Jobs.Submission;

/// <summary>
/// What the background check of a job in status Checking needs beyond the row: whether the upload asked
/// for "preview first" (not a generation parameter, so not in the row). Stored as
/// uploads/&lt;id&gt;/pending-check.json beside the inputs, so a restart re-checks the job the same way. It is
/// deleted when the check passes and kept when it fails, so a retry of that job is checked again.
/// </summary>
public sealed record PendingCheck(bool PreviewFirst)
{
    public const string FileName = "pending-check.json";

    public static string PathIn(string uploadsFolder) => Path.Combine(uploadsFolder, FileName);

    public async Task WriteAsync(string uploadsFolder, CancellationToken ct) =>
        await File.WriteAllTextAsync(PathIn(uploadsFolder), JsonSerializer.Serialize(this), ct);

    /// <summary>The stored request, or the default (a plain job) when the file is missing or unreadable.</summary>
    public static PendingCheck Read(string uploadsFolder)
    {
        try { return JsonSerializer.Deserialize<PendingCheck>(File.ReadAllText(PathIn(uploadsFolder))) ?? new(false); }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException) { return new(false); }
    }

    public static bool Exists(string uploadsFolder) => File.Exists(PathIn(uploadsFolder));

    public static void Delete(string uploadsFolder)
    {
        try { File.Delete(PathIn(uploadsFolder)); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
