namespace SonicWeb.Batches;

/// <summary>
/// Lets <see cref="System.IO.Compression.ZipArchive"/> stream into the response body. Even its async
/// API writes a few small records (an entry's data descriptor) with a synchronous Write, which Kestrel
/// refuses. Here synchronous writes only append to a small buffer; the buffer goes out with the next
/// asynchronous write or <see cref="FlushAsync(CancellationToken)"/>, so the response is only ever
/// written asynchronously and memory stays at about <see cref="FlushThreshold"/>.
/// </summary>
public sealed class AsyncOnlyWriteStream(Stream inner) : Stream
{
    private const int FlushThreshold = 64 * 1024;
    private readonly MemoryStream _pending = new();
    private long _written;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _written; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _pending.Write(buffer);
        _written += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        _pending.Write(buffer.Span);
        _written += buffer.Length;
        if (_pending.Length >= FlushThreshold) await SendPendingAsync(ct);
    }

    /// <summary>Nothing can be sent synchronously; <see cref="FlushAsync(CancellationToken)"/> sends what is pending.</summary>
    public override void Flush() { }

    public override async Task FlushAsync(CancellationToken ct)
    {
        await SendPendingAsync(ct);
        await inner.FlushAsync(ct);
    }

    private async Task SendPendingAsync(CancellationToken ct)
    {
        if (_pending.Length == 0) return;
        await inner.WriteAsync(_pending.GetBuffer().AsMemory(0, (int)_pending.Length), ct);
        _pending.SetLength(0);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
