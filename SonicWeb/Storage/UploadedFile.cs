namespace SonicWeb.Storage;

/// <summary>
/// One uploaded file saved to a staging folder under a generated name (never its own). <see cref="Sha256"/>
/// is null when the file was stored without hashing; <see cref="Jobs.Submission.FileHashes"/> fills it in.
/// </summary>
public sealed record UploadedFile(string Field, string OriginalName, string Path, long Length, string? Sha256 = null);
