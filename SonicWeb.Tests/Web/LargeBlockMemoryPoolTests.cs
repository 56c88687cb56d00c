using SonicWeb.Hosting;

namespace SonicWeb.Tests.Web;

public sealed class LargeBlockMemoryPoolTests
{
    [Fact]
    public void Blocks_are_the_configured_size_and_are_reused_after_return()
    {
        using var pool = new LargeBlockMemoryPool(64 * 1024);
        Assert.Equal(64 * 1024, pool.MaxBufferSize);
        var first = pool.Rent(4096);
        Assert.Equal(64 * 1024, first.Memory.Length);
        first.Memory.Span[0] = 42;
        first.Dispose();
        first.Dispose(); // a second dispose must not return the block twice
        Assert.Equal(1, pool.RetainedBlocks);
        using var second = pool.Rent();
        Assert.Equal(42, second.Memory.Span[0]); // the same array again
        Assert.Equal(0, pool.RetainedBlocks);
        Assert.Throws<ObjectDisposedException>(() => first.Memory);
    }

    [Fact]
    public void At_most_16_MB_of_free_blocks_are_kept()
    {
        using var pool = new LargeBlockMemoryPool(1024 * 1024);
        var rented = Enumerable.Range(0, 40).Select(_ => pool.Rent()).ToList();
        foreach (var block in rented) block.Dispose();
        Assert.Equal(16, pool.RetainedBlocks);
    }

    [Fact]
    public void A_request_larger_than_a_block_is_refused()
    {
        using var pool = new LargeBlockMemoryPool(8192);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(8193));
        Assert.Contains("8192", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LargeBlockMemoryPool(1024));
    }
}
