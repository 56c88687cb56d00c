using System.Diagnostics;
using System.Net;

namespace SonicWeb.Tests.Web;

/// <summary>
/// An SMTP server that hangs mid-conversation: a python3 socket server on loopback that accepts, sends the
/// 220 greeting and then reads forever without ever answering (EHLO gets no reply). Each connection is
/// counted in a file, so a test knows the app is stuck in the middle of sending.
/// </summary>
public sealed class HangingSmtpServer : IAsyncDisposable
{
    private const string Script = """
        import socket, sys, threading
        port, counter = int(sys.argv[1]), sys.argv[2]
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", port))
        server.listen(16)
        connections = 0
        def hang(conn):
            conn.sendall(b"220 hanging.test ESMTP\r\n")
            try:
                while conn.recv(4096):
                    pass  # never answer
            except OSError:
                pass
        while True:
            conn, _ = server.accept()
            connections += 1
            with open(counter, "w") as f:
                f.write(str(connections))
            threading.Thread(target=hang, args=(conn,), daemon=True).start()
        """;

    private readonly Process _process;
    private readonly string _folder;

    private HangingSmtpServer(Process process, string folder, int port) => (_process, _folder, Port) = (process, folder, port);

    public int Port { get; }

    /// <summary>Connections accepted so far (each one is left hanging).</summary>
    public int Connections => File.Exists(Path.Combine(_folder, "connections")) && int.TryParse(File.ReadAllText(Path.Combine(_folder, "connections")), out int n) ? n : 0;

    public static async Task<HangingSmtpServer> StartAsync(int port)
    {
        var folder = Directory.CreateTempSubdirectory("sonicweb-hanging-smtp-").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "hang.py"), Script);
        var process = Process.Start(new ProcessStartInfo("/usr/bin/python3")
        {
            ArgumentList = { Path.Combine(folder, "hang.py"), port.ToString(System.Globalization.CultureInfo.InvariantCulture), Path.Combine(folder, "connections") },
            RedirectStandardError = true, UseShellExecute = false,
        }) ?? throw new InvalidOperationException("could not start python3");
        var until = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException("the hanging SMTP server exited: " + await process.StandardError.ReadToEndAsync());
            // Probe by the port being bound (a probe connection would count as one and hang).
            if (IPGlobalPropertiesListening(port)) return new HangingSmtpServer(process, folder, port);
            if (DateTime.UtcNow > until) throw new TimeoutException("the hanging SMTP server did not listen");
            await Task.Delay(100);
        }
    }

    private static bool IPGlobalPropertiesListening(int port) =>
        System.Net.NetworkInformation.IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpListeners()
            .Any(e => e.Port == port && IPAddress.IsLoopback(e.Address));

    public async Task WaitForConnectionAsync(TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (Connections == 0)
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("nobody connected to the hanging SMTP server");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) { _process.Kill(); await _process.WaitForExitAsync(); }
        _process.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
