using SonicWeb.Components.Shared.Uploads;

namespace SonicWeb.Components.Pages.NewVideo;

/// <summary>
/// One of the new video page's two files: sent to POST /uploads/staged as soon as it is chosen, then known to the
/// server by <see cref="Token"/>. <see cref="Version"/> counts choices, so the answer for a file the user has
/// already replaced is dropped. <see cref="Error"/> is what is wrong with this file, shown under its picker.
/// </summary>
public sealed class InputChoice
{
    public int Version { get; private set; }
    public string? Token { get; set; }
    public string? Name { get; set; }
    public long Bytes { get; set; }
    public UploadProgress? Progress { get; set; }
    public string? Error { get; set; }

    public bool IsSending => Progress is not null;
    public bool IsReady => Token is not null && Error is null;

    /// <summary>A new file was chosen (or the choice was cleared): forget the last one and return its token to release.</summary>
    public string? Restart()
    {
        var previous = Token;
        Version++;
        (Token, Name, Bytes, Progress, Error) = (null, null, 0, null, null);
        return previous;
    }
}
