using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using SonicWeb.Engine.Backends;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Tests.TestSupport;

namespace SonicWeb.Tests.Web;

/// <summary>
/// Web tests share the machine's two cores with generation: they run one at a time. Beside them (xunit runs as many
/// collections at once as the machine has cores) go the engine's tests and <see cref="ProcessCollection"/>.
/// </summary>
[CollectionDefinition(Name)]
public sealed class WebCollection
{
    public const string Name = "web";
}

/// <summary>
/// Tests that run the app as separate processes (a cluster behind nginx, workers killed and restarted, a broker or
/// database taken down): they mostly wait on those processes and outages, each with its own brokers, databases and
/// ports, so they run one at a time beside the web tests rather than after them (a third off the suite's time).
/// In-process web tests that mostly wait too (the ComfyUI stand-in's simulated GPU) run here to even out the two lanes:
/// the web lane sets the suite's time.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ProcessCollection
{
    public const string Name = "processes";
}

/// <summary>
/// The real app on a real Kestrel port, with a real SQLite file in its own data directory. Starting a
/// second host on the same <see cref="Root"/> is a restart. Videos are made by the <see cref="FakeBackend"/>
/// (real input checks, flat frames) unless the test asks for the real engine with
/// <c>backend: BuiltInBackend.Name</c>.
/// </summary>
public sealed class WebTestHost : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string> _settings;
    private readonly Action<IServiceCollection>? _services;

    /// <param name="services">Replaces app services after the app registered its own (e.g. a recording IUserNotifications).</param>
    /// <param name="signIn">false: no admin from configuration and <see cref="Http"/> is anonymous (a fresh installation).</param>
    /// <param name="backend">The backend new jobs use: the fake by default, "builtin" for the real engine.</param>
    /// <param name="database">
    /// SQLite (a file in <see cref="Root"/>), or PostgreSQL: a database of the run's shared throwaway cluster, named after
    /// <see cref="Root"/> (a restart on the same root finds it again).
    /// </param>
    public WebTestHost(string? root = null, Dictionary<string, string>? settings = null, Action<IServiceCollection>? services = null, bool signIn = true,
        string backend = FakeBackend.Name, TestDatabase database = TestDatabase.Sqlite)
    {
        Root = root ?? Directory.CreateTempSubdirectory("sonicweb-web-").FullName;
        Database = database;
        _settings = new Dictionary<string, string>(RelaxedRateLimits) { ["Backends:Default"] = backend };
        if (database == TestDatabase.Postgres)
        {
            var server = PostgresServer.Shared().GetAwaiter().GetResult();
            _settings["Database:Provider"] = "Postgres";
            _settings["ConnectionStrings:Postgres"] = server.ConnectionString(PostgresServer.DatabaseFor(Root));
        }
        foreach (var (key, value) in settings ?? []) _settings[key] = value;
        if (!signIn) { _settings["Admin:Email"] = ""; _settings["Admin:Password"] = ""; }
        _services = services;
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::1]", "127.0.0.1"));
        // The app needs a signed-in caller: Http is the admin (created from configuration at start).
        (Http, Cookies) = signIn
            ? SignInAsync(_settings.GetValueOrDefault("Admin:Email", AdminEmail), _settings.GetValueOrDefault("Admin:Password", AdminPassword)).GetAwaiter().GetResult()
            : (Anonymous(), new CookieContainer());
    }

    /// <summary>The admin's cookies, for clients that are not HttpClient (the hub's WebSocket).</summary>
    public CookieContainer Cookies { get; }

    /// <summary>A client without any sign-in.</summary>
    public HttpClient Anonymous() => new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = BaseAddress };

    /// <summary>Signs in through the real form (antiforgery token included); the client keeps the cookie and does not follow redirects.</summary>
    public Task<(HttpClient Client, CookieContainer Cookies)> SignInAsync(string email, string password) =>
        WebTestKit.SignInAsync(BaseAddress, email, password);

    /// <summary>Creates a user through the same service the admin page uses and signs them in.</summary>
    public async Task<(HttpClient Client, CookieContainer Cookies)> CreateUserAsync(string email, string role, string? displayName = null)
    {
        const string password = "user-password-for-tests";
        await using (var scope = Services.CreateAsyncScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<SonicWeb.Accounts.UserDirectory>().CreateAsync(email, displayName, role, password);
            if (!result.Succeeded) throw new InvalidOperationException(string.Join(" ", result.Errors));
        }
        return await SignInAsync(email, password);
    }

    public string Root { get; }
    public TestDatabase Database { get; }

    /// <summary>
    /// Tests sign in, submit and poll far faster than people do, all from 127.0.0.1: the request limits are raised
    /// out of their way; the rate limit tests set the limits they test.
    /// </summary>
    public static readonly Dictionary<string, string> RelaxedRateLimits = new()
    {
        ["RateLimits:SignInPerIp"] = "100000", ["RateLimits:SubmitPerUser"] = "100000", ["RateLimits:SubmitPerIp"] = "100000",
        ["RateLimits:ApiPerUser"] = "1000000", ["RateLimits:ApiPerIp"] = "1000000",
    };

    /// <summary>The admin created at first start from configuration (Admin:Email / Admin:Password).</summary>
    public const string AdminEmail = "admin@sonicweb.test";
    public const string AdminPassword = "admin-password-for-tests";
    public const string AdminName = "Test Admin";
    public Uri BaseAddress { get; }
    public HttpClient Http { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:Root", Root);
        builder.UseSetting("Jobs:PollSeconds", "0.5");
        builder.UseSetting("Admin:Email", AdminEmail);
        builder.UseSetting("Admin:Password", AdminPassword);
        builder.UseSetting("Admin:DisplayName", AdminName);
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.ConfigureTestServices(services =>
        {
            double pace = double.Parse(_settings.GetValueOrDefault(FakeBackend.PaceSetting, "0"), System.Globalization.CultureInfo.InvariantCulture);
            services.AddSingleton<IGenerationBackend>(sp => new FakeBackend(sp.GetRequiredService<InputAnalyser>(), sp.GetRequiredService<TimeEstimator>(),
                sp.GetRequiredService<EngineOptions>(), pace));
            _services?.Invoke(services);
        });
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Http.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>Inputs and calls the web tests share.</summary>
public static class WebTestKit
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Signs in through the real form (antiforgery token included); the client keeps the cookie and does not follow redirects.</summary>
    /// <param name="cookies">Cookies to start with (e.g. a load balancer's affinity cookie); a new jar by default.</param>
    public static async Task<(HttpClient Client, CookieContainer Cookies)> SignInAsync(Uri baseAddress, string email, string password, CookieContainer? cookies = null)
    {
        cookies ??= new CookieContainer();
        var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false })
            { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(100) };
        var page = await client.GetStringAsync("/account/login");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["email"] = email, ["password"] = password, ["__RequestVerificationToken"] = token }));
        var location = response.Headers.Location?.ToString() ?? "";
        if (response.StatusCode != HttpStatusCode.Redirect || location.Contains("/account/login"))
            throw new InvalidOperationException($"sign-in as {email} failed: {(int)response.StatusCode} {location}");
        return (client, cookies);
    }


    /// <summary>About 2.5 s of speech: a 256 px job takes a couple of seconds.</summary>
    public static string ShortSpeech => TestMedia.Speech("Hello, this is a quick test.", "web-short");

    /// <summary>
    /// Settings for a test that acts while a job runs (cancels it, stops the app, queues another behind
    /// it): the fake backend then takes about as long as the real engine at 384 px (0.3 s per second of video).
    /// </summary>
    public static Dictionary<string, string> Paced(Dictionary<string, string>? settings = null) =>
        new(settings ?? []) { [FakeBackend.PaceSetting] = "0.3" };

    /// <summary>About 9 s of speech: long enough to cancel or interrupt mid-render at 384 px.</summary>
    public static string LongSpeech => TestMedia.Speech(
        "This recording is long enough to stop in the middle. The worker renders every frame, one after another, " +
        "while the page shows the progress, and a restart in the middle must not lose it.", "web-long");

    public static MultipartFormDataContent Form(string? imagePath, string? audioPath, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        if (imagePath != null) form.Add(FileContent(imagePath), "image", Path.GetFileName(imagePath));
        if (audioPath != null) form.Add(FileContent(audioPath), "audio", Path.GetFileName(audioPath));
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        return form;
    }

    private static ByteArrayContent FileContent(string path)
    {
        var content = new ByteArrayContent(File.ReadAllBytes(path));
        content.Headers.ContentType = new("application/octet-stream");
        return content;
    }

    public static async Task<JsonElement> SubmitAsync(HttpClient http, string image, string audio, params (string, string)[] fields)
    {
        using var response = await http.PostAsync("/api/jobs", Form(image, audio, fields));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"submit: {(int)response.StatusCode} {body}");
        Assert.Equal($"/api/jobs/{JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()}", response.Headers.Location?.ToString());
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<JsonElement> GetJobAsync(HttpClient http, string id) =>
        await http.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}", Json);

    /// <summary>Polls the job until <paramref name="done"/> holds; every state seen is passed to <paramref name="seen"/>.</summary>
    public static async Task<JsonElement> WaitForAsync(HttpClient http, string id, Func<JsonElement, bool> done, TimeSpan timeout, Action<JsonElement>? seen = null)
    {
        var until = DateTime.UtcNow + timeout;
        JsonElement job;
        while (true)
        {
            job = await GetJobAsync(http, id);
            seen?.Invoke(job);
            if (done(job)) return job;
            if (DateTime.UtcNow > until) throw new TimeoutException($"job {id} did not reach the expected state; last: {job}");
            await Task.Delay(100);
        }
    }

    public static string Status(this JsonElement job) => job.GetProperty("status").GetString()!;

    public static bool IsFinished(JsonElement job) => job.Status() is "Succeeded" or "Failed" or "Cancelled";

    /// <summary>ffprobe's view of a video: width, height, duration, codec names.</summary>
    public static (int Width, int Height, double Duration, string Codecs) Probe(string path)
    {
        var json = TestMedia.Run("ffprobe", "-v", "error", "-print_format", "json", "-show_streams", "-show_format", path);
        var root = JsonDocument.Parse(json).RootElement;
        var streams = root.GetProperty("streams").EnumerateArray().ToList();
        var video = streams.First(s => s.GetProperty("codec_type").GetString() == "video");
        return (video.GetProperty("width").GetInt32(), video.GetProperty("height").GetInt32(),
            double.Parse(root.GetProperty("format").GetProperty("duration").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            string.Join(",", streams.Select(s => s.GetProperty("codec_name").GetString())));
    }
}
