using System.Collections.Concurrent;
using SonicWeb.Storage;

namespace SonicWeb.Jobs.Submission;

/// <summary>One file a page sent ahead of its submission, known by an unguessable token and kept for the user who sent it.</summary>
public sealed record StagedInput(string Token, string OwnerId, UploadedFile File, string Folder, DateTime StagedAt);

/// <summary>
/// Files the new video page sends over HTTP as soon as they are chosen (POST /uploads/staged), so the server can
/// show the photo's face box, the audio's length and the check result before anything is submitted, and the page's
/// circuit then submits them with <see cref="JobSubmission"/> without sending them again. Only the user who sent a
/// file can use its token. A file left behind (the tab was closed) is deleted after <see cref="Lifetime"/>; the staging
/// folder is also emptied at start-up.
/// </summary>
public sealed class StagedInputs(ILogger<StagedInputs> log)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(2);
    private readonly ConcurrentDictionary<string, StagedInput> _inputs = new();

    public StagedInput Add(string ownerId, UploadedFile file, string folder)
    {
        SweepExpired();
        var staged = new StagedInput(Guid.NewGuid().ToString("N"), ownerId, file, folder, DateTime.UtcNow);
        _inputs[staged.Token] = staged;
        return staged;
    }

    /// <summary>The file behind a token, when this user sent it and it is still on disk (a submission moves it away).</summary>
    public StagedInput? Find(string? token, string ownerId) =>
        token is not null && _inputs.TryGetValue(token, out var staged) && staged.OwnerId == ownerId && File.Exists(staged.File.Path) ? staged : null;

    /// <summary>Forgets a token and deletes what is left of its file (nothing after a submission took it).</summary>
    public void Release(string? token)
    {
        if (token is not null && _inputs.TryRemove(token, out var staged)) StoragePaths.DeleteQuietly(staged.Folder);
    }

    private void SweepExpired()
    {
        var oldest = DateTime.UtcNow - Lifetime;
        foreach (var staged in _inputs.Values.Where(s => s.StagedAt < oldest))
        {
            log.LogInformation("Staged file {Name} of user {UserId} was never submitted; deleted after {Hours} h", staged.File.OriginalName, staged.OwnerId, Lifetime.TotalHours);
            Release(staged.Token);
        }
    }
}
