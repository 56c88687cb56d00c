using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using SonicWeb.Data;
using SonicWeb.Storage;

namespace SonicWeb.Jobs.Submission;

/// <summary>
/// "Identical inputs with identical parameters reuse a finished output": the content hash that decides it
/// and the lookup and copy of such an output. Used when an upload is checked in the request
/// (<see cref="JobSubmission"/>) and when it is checked in the background (<see cref="UploadChecker"/>).
/// </summary>
public sealed class OutputReuse(StoragePaths paths)
{
    /// <summary>The job's reuse key: both files' SHA-256 and the parameters as stored.</summary>
    public static string InputHash(string imageSha256, string audioSha256, string parametersJson) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(imageSha256 + "|" + audioSha256 + "|" + parametersJson)));

    /// <summary>The newest succeeded job with this key whose video is still on disk, or null.</summary>
    public async Task<Job?> FindSourceAsync(SonicDbContext context, string inputHash, CancellationToken ct)
    {
        var candidates = await context.Jobs.AsNoTracking()
            .Where(j => j.InputHash == inputHash && j.Status == JobStatus.Succeeded && j.OutputPath != null && j.ExpiredAt == null)
            .OrderByDescending(j => j.FinishedAt).Take(3).ToListAsync(ct);
        return candidates.FirstOrDefault(j => File.Exists(paths.Absolute(j.OutputPath!)));
    }

    /// <summary>Copies the source's video (and thumbnail) into the job's output folder; the stored relative paths.</summary>
    public (string Video, string? Thumbnail) CopyOutputs(Job source, string jobId)
    {
        Directory.CreateDirectory(paths.Outputs(jobId));
        File.Copy(paths.Absolute(source.OutputPath!), paths.Video(jobId), overwrite: true);
        string? thumbnail = null;
        if (source.ThumbnailPath != null && File.Exists(paths.Absolute(source.ThumbnailPath)))
        {
            File.Copy(paths.Absolute(source.ThumbnailPath), paths.Thumbnail(jobId), overwrite: true);
            thumbnail = paths.Relative(paths.Thumbnail(jobId));
        }
        return (paths.Relative(paths.Video(jobId)), thumbnail);
    }
}
