namespace SonicWeb.Api;

/// <summary>A parsed multipart request: text fields and the files, all files already on disk in <see cref="Folder"/>.</summary>
public sealed class UploadForm(string folder) : IAsyncDisposable
{
    public const string ImageField = "image";
    public const string AudioField = "audio";

    public string Folder { get; } = folder;
    public Dictionary<string, string> Fields { get; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, Storage.UploadedFile> Files { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Deletes the staging folder with whatever is still in it (accepted files have moved to the job's folder).</summary>
    public ValueTask DisposeAsync()
    {
        Storage.StoragePaths.DeleteQuietly(Folder);
        return ValueTask.CompletedTask;
    }
}
