using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SonicWeb.Tests.TestSupport;

/// <summary>
/// Loopback ports for servers started by a test (Redis, RabbitMQ, nginx) or by the load bench (which links this file,
/// PostgresServer.cs and RabbitMqServer.cs as source): a free port, and whether the server accepts connections on it yet.
/// </summary>
public static class LoopbackListener
{
    /// <summary>A port nothing listens on right now (the OS picks it; the caller's server binds it a moment later).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<bool> AnswersAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port);
            return true;
        }
        catch (SocketException) { return false; }
    }

    /// <summary>
    /// Waits until <paramref name="process"/> listens on <paramref name="port"/>; throws with what
    /// <paramref name="whyItFailed"/> reads (its log, its stderr) when the process exits first or the time runs out.
    /// </summary>
    public static async Task WaitAsync(Process process, int port, TimeSpan timeout, Func<Task<string>> whyItFailed)
    {
        var until = DateTime.UtcNow + timeout;
        while (!await AnswersAsync(port))
        {
            if (process.HasExited) throw new InvalidOperationException($"{process.StartInfo.FileName} exited with {process.ExitCode}: {await whyItFailed()}");
            if (DateTime.UtcNow > until) throw new TimeoutException($"{process.StartInfo.FileName} did not listen on port {port} within {timeout.TotalSeconds:0} s: {await whyItFailed()}");
            await Task.Delay(100);
        }
    }
}
