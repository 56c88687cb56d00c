namespace SonicWeb.Hosting;

/// <summary>
/// The web server's network buffers (configuration section "Server"). Read once at start-up: Kestrel
/// creates its buffer pools before the first request.
/// </summary>
public sealed class ServerBufferOptions
{
    public const string Section = "Server";
    public const int MinBlockBytes = 4096;
    public const int MaxBlockBytes = 1024 * 1024;

    /// <summary>
    /// Size of Kestrel's buffer blocks, which caps the bytes one socket read can return (see
    /// <see cref="LargeBlockMemoryPoolFactory"/>). 65536 by default; 0 keeps the framework's own 4 KB pool.
    /// </summary>
    public int BufferBlockBytes { get; set; } = 64 * 1024;

    public bool IsValid => BufferBlockBytes == 0 || BufferBlockBytes is >= MinBlockBytes and <= MaxBlockBytes;
}
