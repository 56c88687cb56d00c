using System.Diagnostics;

namespace SonicWeb.Tests.TestSupport;

/// <summary>
/// A private redis-server (Debian's redis-server 7) on a free loopback port, started with its own config
/// file in a temporary folder (no persistence, no password: loopback only). Starts in well under a second.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _folder;
    private readonly Process _process;

    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string for this server (Redis:Configuration).</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    private RedisServer(string folder, int port, Process process) => (_folder, Port, _process) = (folder, port, process);

    public static async Task<RedisServer> StartNewAsync()
    {
        var folder = Directory.CreateTempSubdirectory("sonicweb-redis-").FullName;
        int port = AppProcess.FreeLoopbackPort();
        var config = Path.Combine(folder, "redis.conf");
        await File.WriteAllTextAsync(config, $"""
            bind 127.0.0.1
            port {port}
            protected-mode yes
            daemonize no
            save ""
            appendonly no
            dir {folder}
            logfile {Path.Combine(folder, "redis.log")}
            """);
        var process = Process.Start(new ProcessStartInfo("redis-server", config) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException("redis-server did not start");
        var server = new RedisServer(folder, port, process);
        await LoopbackListener.WaitAsync(process, port, TimeSpan.FromSeconds(30), () => process.StandardError.ReadToEndAsync());
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
