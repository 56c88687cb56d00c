using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SonicWeb.LoadBench;

/// <summary>
/// The real app as a child process (`dotnet SonicWeb.dll --urls http://127.0.0.1:PORT`) with its own
/// temporary data directory, so its memory is measured apart from the benchmark's clients.
/// </summary>
public sealed class AppUnderTest : IAsyncDisposable
{
    private readonly Process _process;

    private AppUnderTest(Process process, Uri baseAddress, string dataRoot)
    {
        _process = process;
        BaseAddress = baseAddress;
        DataRoot = dataRoot;
    }

    /// <summary>How long the app may take to answer /health after starting (minutes on a machine shared by many builds).</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);

    public const string AdminEmail = "loadbench@sonicweb.local";
    private static readonly string AdminPassword = "bench-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));

    public Uri BaseAddress { get; }
    public string DataRoot { get; }
    public int ProcessId => _process.Id;

    public static async Task<AppUnderTest> StartAsync(string appDll, string dataRoot, IReadOnlyDictionary<string, string>? environment = null)
    {
        int port = FreeLoopbackPort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(appDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { appDll, "--urls", $"http://127.0.0.1:{port}" }) start.ArgumentList.Add(a);
        start.Environment["Storage__Root"] = dataRoot;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // Every API call needs a signed-in user: the app creates this admin at its first start (the
        // password is random per run and never leaves this process and its child).
        start.Environment["Admin__Email"] = AdminEmail;
        start.Environment["Admin__Password"] = AdminPassword;
        // Console logging of every request would cost the app CPU the benchmark is measuring; the
        // JSON log file under the data directory still records everything.
        start.Environment["Logging__Console__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        _ = DrainAsync(process.StandardOutput);
        _ = DrainAsync(process.StandardError);

        var app = new AppUnderTest(process, new Uri($"http://127.0.0.1:{port}"), dataRoot);
        using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var until = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"the app exited with {process.ExitCode} while starting");
            try
            {
                using var r = await http.GetAsync("/health");
                if (r.StatusCode == HttpStatusCode.OK) return app;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (DateTime.UtcNow > until) throw new TimeoutException($"the app did not answer /health within {StartTimeout.TotalSeconds:0} s");
            await Task.Delay(200);
        }
    }

    /// <summary>
    /// Signs in as the admin through the real sign-in form (antiforgery token included). The returned
    /// client keeps the cookie; the container also serves the hub's WebSockets.
    /// </summary>
    public async Task<(HttpClient Http, CookieContainer Cookies)> SignInAsync()
    {
        var cookies = new CookieContainer();
        var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false })
            { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
        var page = await http.GetStringAsync("/account/login");
        var token = Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var response = await http.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["email"] = AdminEmail, ["password"] = AdminPassword, ["__RequestVerificationToken"] = token }));
        var location = response.Headers.Location?.ToString() ?? "";
        if (response.StatusCode != HttpStatusCode.Redirect || location.Contains("/account/login"))
            throw new InvalidOperationException($"sign-in as {AdminEmail} failed: {(int)response.StatusCode} {location}");
        return (http, cookies);
    }

    /// <summary>CPU time the app (not its ffmpeg children) has used so far.</summary>
    public TimeSpan CpuTime
    {
        get { _process.Refresh(); return _process.TotalProcessorTime; }
    }

    /// <summary>Working set and GC heap as the app reports them on /health (check "memory").</summary>
    public async Task<MemorySample> MemoryAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/health");
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var data = json.GetProperty("checks").GetProperty("memory").GetProperty("data");
        return new MemorySample(data.GetProperty("workingSetBytes").GetInt64(), data.GetProperty("gcHeapBytes").GetInt64());
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static async Task DrainAsync(StreamReader reader)
    {
        try { while (await reader.ReadLineAsync() is not null) { } } catch (IOException) { }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true); // this process only: the app and the ffmpeg it started
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}

public readonly record struct MemorySample(long WorkingSetBytes, long GcHeapBytes)
{
    public double WorkingSetMb => WorkingSetBytes / 1048576.0;
    public double GcHeapMb => GcHeapBytes / 1048576.0;
}
