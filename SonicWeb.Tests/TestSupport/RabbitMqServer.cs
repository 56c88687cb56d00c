using System.Diagnostics;

namespace SonicWeb.Tests.TestSupport;

/// <summary>
/// A private RabbitMQ node (Debian's rabbitmq-server 3.10) on loopback, with its database, logs and plugin
/// list under a temporary folder owned by the rabbitmq user (the server script switches to it when started
/// as root). Starting takes 5-30 s depending on the machine's load: share one per test class.
/// <see cref="StopAsync"/> and <see cref="StartAsync"/> stop and restart the same node (same port, same
/// durable queues), for outage tests. guest/guest may connect from loopback.
/// </summary>
public sealed class RabbitMqServer : IAsyncDisposable
{
    private readonly string _folder;
    private readonly string _nodeName;
    private readonly int _distPort;
    private Process? _process;
    private readonly System.Text.StringBuilder _output = new();

    public int Port { get; }
    public string Uri => $"amqp://guest:guest@127.0.0.1:{Port}/";

    private RabbitMqServer()
    {
        _folder = Directory.CreateTempSubdirectory("sonicweb-rabbitmq-").FullName;
        _nodeName = "sonicweb" + Guid.NewGuid().ToString("N")[..8] + "@localhost";
        Port = LoopbackListener.FreePort();
        _distPort = LoopbackListener.FreePort();
        File.WriteAllText(Path.Combine(_folder, "enabled_plugins"), "[].");
        Run("chmod", "755", _folder);
        Run("chown", "-R", "rabbitmq", _folder);
    }

    public static async Task<RabbitMqServer> StartNewAsync()
    {
        var server = new RabbitMqServer();
        try { await server.StartAsync(); }
        catch { await server.DisposeAsync(); throw; }
        return server;
    }

    /// <summary>Starts the node (again) and waits until its AMQP port answers.</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("rabbitmq-server") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (key, value) in Environment()) start.Environment[key] = value;
        _process = Process.Start(start) ?? throw new InvalidOperationException("rabbitmq-server did not start");
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var until = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"rabbitmq-server exited with {_process.ExitCode}:\n{Output}");
            if (await AnswersAsync()) break;
            if (DateTime.UtcNow > until) throw new TimeoutException($"RabbitMQ did not open port {Port} within 120 s:\n{Output}");
            await Task.Delay(200);
        }
        // The port opens a moment before the broker takes connections: wait until rabbitmqctl sees it running.
        await Task.Run(() => Run("rabbitmqctl", "-n", _nodeName, "await_startup"));
    }

    /// <summary>Stops the node (its durable queues and persistent messages stay on disk for the next start).</summary>
    public async Task StopAsync()
    {
        if (_process is null) return;
        await Task.Run(() => Run("rabbitmqctl", "-n", _nodeName, "stop"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        _process.Dispose();
        _process = null;
    }

    /// <summary>rabbitmqctl against this node (e.g. list_queues name messages_ready messages_unacknowledged).</summary>
    public string Ctl(params string[] args) => Run("rabbitmqctl", ["-n", _nodeName, "-q", .. args]);

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    private Dictionary<string, string> Environment() => new()
    {
        ["RABBITMQ_NODENAME"] = _nodeName,
        ["RABBITMQ_NODE_PORT"] = Port.ToString(),
        ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
        ["RABBITMQ_DIST_PORT"] = _distPort.ToString(),
        ["RABBITMQ_MNESIA_BASE"] = Path.Combine(_folder, "mnesia"),
        ["RABBITMQ_LOG_BASE"] = Path.Combine(_folder, "log"),
        ["RABBITMQ_PID_FILE"] = Path.Combine(_folder, "rabbitmq.pid"),
        ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_folder, "enabled_plugins"),
    };

    private Task<bool> AnswersAsync() => LoopbackListener.AnswersAsync(Port);

    private static string Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000)) { process.Kill(); throw new TimeoutException($"{file} {string.Join(' ', args)} did not end"); }
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {stderr.Result}{stdout.Result}");
        return stdout.Result;
    }

    public async ValueTask DisposeAsync()
    {
        try { await StopAsync(); }
        catch (Exception)
        {
            if (_process is { HasExited: false } p) { p.Kill(entireProcessTree: true); await p.WaitForExitAsync(); }
        }
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
