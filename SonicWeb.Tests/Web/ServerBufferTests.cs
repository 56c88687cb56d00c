using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SonicWeb.Hosting;
using SonicWeb.Tests.TestSupport;

namespace SonicWeb.Tests.Web;

/// <summary>
/// Kestrel's buffer blocks (Server:BufferBlockBytes). The app started as its own process (as in production)
/// hands Kestrel the large-block pool and 0 restores the framework's; with that pool a single read of a
/// request body delivers far more than the framework's 4 KB.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class ServerBufferTests
{
    private const string ProbePath = "/test/largest-body-read";

    [Fact]
    public async Task The_app_gives_Kestrel_64_KB_buffer_blocks_and_0_keeps_the_frameworks()
    {
        await using (var app = await AppProcess.StartAsync())
        {
            var buffers = await BuffersAsync(app);
            Assert.Equal(64 * 1024, buffers.GetProperty("blockBytes").GetInt32());
            Assert.True(buffers.GetProperty("kestrelPools").GetInt32() >= 1, buffers.ToString());
        }
        await using (var app = await AppProcess.StartAsync(new() { ["Server__BufferBlockBytes"] = "0" }))
        {
            var buffers = await BuffersAsync(app);
            Assert.Equal(4096, buffers.GetProperty("blockBytes").GetInt32());
            Assert.Equal(0, buffers.GetProperty("kestrelPools").GetInt32());
        }
    }

    [Theory]
    [InlineData(64 * 1024)]
    [InlineData(0)] // the framework's pool
    public async Task Kestrel_reads_a_request_body_in_blocks_of_the_pools_size(int blockBytes)
    {
        // A bare Kestrel server with only the pool and a probe, registered the way the app registers its pool
        // (the in-process test host of the app adds Kestrel's own factory after the app's services).
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        if (blockBytes > 0) builder.Services.AddSingleton<IMemoryPoolFactory<byte>>(new LargeBlockMemoryPoolFactory(blockBytes));
        await using var app = builder.Build();
        app.MapPost(ProbePath, LargestReadAsync);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        var body = new ByteArrayContent(new byte[4 * 1024 * 1024]);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await http.PostAsync(ProbePath, body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        int largest = int.Parse(await response.Content.ReadAsStringAsync());
        if (blockBytes > 0)
        {
            Assert.True(largest > 4096, $"the largest single read of a 4 MB body was {largest} bytes; with {blockBytes} B blocks it must exceed the framework's 4 KB");
            Assert.True(largest <= blockBytes, $"a read of {largest} bytes cannot come from one {blockBytes} B block");
        }
        else Assert.InRange(largest, 1, 4096);
        await app.StopAsync();
    }

    /// <summary>Drains the body through its PipeReader; answers the largest segment one read delivered.</summary>
    private static async Task<string> LargestReadAsync(HttpRequest request)
    {
        int largest = 0;
        while (true)
        {
            var result = await request.BodyReader.ReadAsync();
            foreach (var segment in result.Buffer) largest = Math.Max(largest, segment.Length);
            request.BodyReader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted) return largest.ToString();
        }
    }

    [Fact]
    public void A_block_size_outside_the_limits_stops_the_start_with_a_message_naming_the_setting()
    {
        var e = Assert.ThrowsAny<Exception>(() => new WebTestHost(settings: new() { ["Server:BufferBlockBytes"] = "1000" }));
        var message = e is OptionsValidationException ? e.Message : e.InnerException?.Message ?? e.Message;
        Assert.Contains("Server:BufferBlockBytes is 1000", message);
        Assert.Contains("4096..1048576", message);
    }

    private static async Task<JsonElement> BuffersAsync(AppProcess app)
    {
        var health = JsonDocument.Parse(await app.Http.GetStringAsync("/health")).RootElement;
        return health.GetProperty("checks").GetProperty("buffers").GetProperty("data").Clone();
    }
}
