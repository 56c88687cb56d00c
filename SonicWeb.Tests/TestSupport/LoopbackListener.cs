using System.Diagnostics;
using System.Net.Sockets;

namespace SonicWeb.Tests.TestSupport;

/// <summary>Whether a server started by a test (Redis, RabbitMQ, nginx) accepts connections on its loopback port yet.</summary>
public static class LoopbackListener
{
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
