using System.Diagnostics;
using System.Net;

namespace SonicWeb.Tests.TestSupport;

/// <summary>
/// The built app started as its own process (`dotnet SonicWeb.dll --urls ...`), as an operator starts it,
/// on a free loopback port with a temporary data directory. For what the in-process test host does not
/// reproduce: the web host exactly as Program.cs builds it.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _root;
    private readonly bool _ownsRoot;
    private readonly System.Text.StringBuilder _output;

    private AppProcess(Process process, Uri baseAddress, string root, bool ownsRoot, System.Text.StringBuilder output)
    {
        _process = process;
        _output = output;
        (_root, _ownsRoot, BaseAddress) = (root, ownsRoot, baseAddress);
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Anonymous client (enough for /health).</summary>
    public HttpClient Http { get; }

    public Uri BaseAddress { get; }

    /// <param name="root">An existing data directory (a restart), kept when this process ends; by default a new one, deleted.</param>
    /// <param name="port">A loopback port (a restart at the same address); by default a free one.</param>
    public static async Task<AppProcess> StartAsync(Dictionary<string, string>? environment = null, string? root = null, int? port = null)
    {
        var dll = AppDll();
        bool ownsRoot = root is null;
        root ??= Directory.CreateTempSubdirectory("sonicweb-process-").FullName;
        port ??= FreeLoopbackPort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { dll, "--urls", $"http://127.0.0.1:{port}" }) start.ArgumentList.Add(a);
        start.Environment["Storage__Root"] = root;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in SonicWeb.Tests.Web.WebTestHost.RelaxedRateLimits) start.Environment[key.Replace(":", "__")] = value;
        foreach (var (key, value) in environment ?? new()) start.Environment[key] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var app = new AppProcess(process, new Uri($"http://127.0.0.1:{port}"), root, ownsRoot, output);
        var until = DateTime.UtcNow.AddSeconds(180); // generous: a shared machine can take a minute to start it
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"the app exited with {process.ExitCode} while starting:\n{output}");
            try
            {
                using var response = await app.Http.GetAsync("/health");
                if (response.StatusCode == HttpStatusCode.OK) return app;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (DateTime.UtcNow > until) { await app.DisposeAsync(); throw new TimeoutException($"the app did not answer /health within 180 s:\n{output}"); }
            await Task.Delay(200);
        }
    }

    /// <summary>What the app wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>
    /// A crash: SIGKILL to the app process only, as the kernel's OOM killer or `kill -9` sends it. Its ffmpeg
    /// children are not told; whatever they and the app leave behind is the next start's to clean up.
    /// </summary>
    public async Task CrashAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    /// <summary>
    /// An orderly stop: SIGTERM, as systemd's stop or `kill` sends it. Returns when the process has exited
    /// (or after <paramref name="timeout"/>: false).
    /// </summary>
    public async Task<bool> TerminateAsync(TimeSpan timeout)
    {
        if (_process.HasExited) return true;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        using var wait = new CancellationTokenSource(timeout);
        try { await _process.WaitForExitAsync(wait.Token); return true; }
        catch (OperationCanceledException) { return false; }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>artifacts/bin/SonicWeb/&lt;config&gt;/SonicWeb.dll, built with the tests (same configuration folder).</summary>
    private static string AppDll()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var dll = Path.Combine(testBin.Parent!.Parent!.FullName, "SonicWeb", testBin.Name, "SonicWeb.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("the app is built beside the tests", dll);
    }

    public static int FreeLoopbackPort() => LoopbackListener.FreePort();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        if (!_ownsRoot) return;
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
