using System.Security.Cryptography;
using SonicWeb.Storage;

namespace SonicWeb.Jobs.Submission;

/// <summary>SHA-256 of stored uploads, computed after the transfer rather than during it.</summary>
public static class FileHashes
{
    private const int ReadBytes = 256 * 1024;

    public static async Task<string> Sha256Async(string path, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(ReadBytes);
        try
        {
            // Large reads straight from the page cache (the file was written moments ago): few system calls.
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            int n;
            while ((n = await file.ReadAsync(buffer.AsMemory(0, ReadBytes), ct)) > 0) hash.AppendData(buffer, 0, n);
        }
        finally { System.Buffers.ArrayPool<byte>.Shared.Return(buffer); }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The file with its hash filled in (read from disk only when the reader did not hash it).</summary>
    public static async Task<UploadedFile> WithSha256Async(UploadedFile file, CancellationToken ct) =>
        file.Sha256 is null ? file with { Sha256 = await Sha256Async(file.Path, ct) } : file;
}
