using System.Diagnostics;
using SonicWeb.LoadBench;

// Load benchmark for the web app: starts the real app (built SonicWeb.dll) on a loopback port with a
// temporary data directory, then measures (a) concurrent 2 x 10 MB uploads, (b) 200 SignalR watchers on
// one job, (c) memory across 100 short jobs, (d) one upload from chromium over raw HTTP, the upload component
// and the circuit, (e) server memory per open interactive page (circuit), (f) open job pages watching a running job:
// progress event -> DOM latency in the browser and memory per job-page circuit, (g) the mixed-workload soak (only
// with --only soak: it runs for --minutes, default 30). Traffic goes to 127.0.0.1 only.
//   dotnet run -c Release --project bench/SonicWeb.LoadBench [-- --quick] [--app path/to/SonicWeb.dll] [--keep-data]
//   [--circuits N] (default 50) [--upload-rounds N] (default 5) [--job-pages N] (default 50) [--job-page-clip SECONDS] (default 40)
//   --only transport [--rabbitmq-uri amqp://...] [--transport-jobs N] (default 20): (h) queue-to-start and progress relay, InProcess vs RabbitMq
//   -- --only soak [--minutes N] (default 30) [--sample-seconds N] (default 60)
//   -- --only workers [--worker-jobs N] (default 8, quick 2): (i) jobs per minute, one process vs a web node with 1 and 2 worker processes
//      (starts its own PostgreSQL and RabbitMQ on loopback)
bool quick = args.Contains("--quick");
bool keepData = args.Contains("--keep-data");
// --only uploads|watchers|memory|upload-paths|circuits|job-pages|soak runs one part (faster when working on one figure).
string? only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
string[] parts = ["uploads", "watchers", "memory", "upload-paths", "circuits", "job-pages", "transport", "soak", "workers"];
if (only is not null && !parts.Contains(only)) { Console.Error.WriteLine($"--only takes {string.Join(", ", parts)}, not '{only}'."); return 1; }
// (h) transport, (g) the soak (half an hour) and (i) workers (several minutes, its own database and broker) run only when
// asked for by name; transport with --rabbitmq-uri compares InProcess with two RabbitMQ nodes.
bool Runs(string part) => only == part || (only is null && part is not ("transport" or "soak" or "workers"));
string? rabbitUri = args.SkipWhile(a => a != "--rabbitmq-uri").Skip(1).FirstOrDefault();
int workerJobs = int.TryParse(args.SkipWhile(a => a != "--worker-jobs").Skip(1).FirstOrDefault(), out var wj) && wj > 0 ? wj : quick ? 2 : 8;
int transportJobs = int.TryParse(args.SkipWhile(a => a != "--transport-jobs").Skip(1).FirstOrDefault(), out var tj) ? tj : quick ? 5 : 20;
string? appArg = args.SkipWhile(a => a != "--app").Skip(1).FirstOrDefault();
// --env KEY=VALUE (repeatable) goes to the app's environment, e.g. --env DOTNET_gcServer=0 to compare GC modes.
var appEnvironment = args.Zip(args.Skip(1)).Where(p => p.First == "--env" && p.Second.Contains('='))
    .ToDictionary(p => p.Second[..p.Second.IndexOf('=')], p => p.Second[(p.Second.IndexOf('=') + 1)..]);

var repo = FindRepoRoot();
// The bench builds into artifacts/bin/SonicWeb.LoadBench/<config>/; the app beside it in artifacts/bin/SonicWeb/<config>/.
var configFolder = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;
var appDll = Path.GetFullPath(appArg ?? Path.Combine(repo, "artifacts", "bin", "SonicWeb", configFolder, "SonicWeb.dll"));
if (!File.Exists(appDll)) { Console.Error.WriteLine($"App not found at {appDll}; build it or pass --app."); return 1; }

int circuits = int.TryParse(args.SkipWhile(a => a != "--circuits").Skip(1).FirstOrDefault(), out var c) ? c : quick ? 20 : 50;
int jobPages = int.TryParse(args.SkipWhile(a => a != "--job-pages").Skip(1).FirstOrDefault(), out var jp) ? jp : quick ? 10 : 50;
int pathRounds = int.TryParse(args.SkipWhile(a => a != "--upload-rounds").Skip(1).FirstOrDefault(), out var ur) ? ur : quick ? 1 : 5;
int clients = 20, uploadRounds = int.TryParse(args.SkipWhile(a => a != "--rounds").Skip(1).FirstOrDefault(), out var r) ? r : quick ? 1 : 3, watchers = quick ? 50 : 200, memoryJobs = quick ? 20 : 100;
double watcherClipSeconds = quick ? 4 : 10;
// The job the job pages watch: at 384 px a 10 s clip rendered in 2-3 s, about 20 progress renders per page, so p99 was the
// job's start-up burst in one run and not in the next; 40 s gave 25-50 renders per page over 4-7 s.
double jobPageClipSeconds = double.TryParse(args.SkipWhile(a => a != "--job-page-clip").Skip(1).FirstOrDefault(),
    System.Globalization.CultureInfo.InvariantCulture, out var jc) && jc > 0 ? jc : quick ? 4 : 40;
int watcherResolution = quick ? 256 : 384;

var work = Directory.CreateTempSubdirectory("sonicweb-loadbench-").FullName;
var data = Path.Combine(work, "data");
Console.WriteLine($"SonicWeb load benchmark ({(quick ? "quick" : "default")}): app {appDll}");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores; data directory {data}");
var total = Stopwatch.StartNew();

var astronaut = Path.Combine(repo, "test-media", "astronaut.png");
var bigImage = BenchMedia.LargePortrait(astronaut, Path.Combine(work, "portrait-10mb.png"), 1920);
var bigAudio = BenchMedia.Wav(Path.Combine(work, "voice-10mb.wav"), 54.6, 48000, 2);
var watchAudio = BenchMedia.Wav(Path.Combine(work, "voice-watch.wav"), watcherClipSeconds, 16000, 1);
var jobPageAudio = BenchMedia.Wav(Path.Combine(work, "voice-job-pages.wav"), jobPageClipSeconds, 16000, 1);
var shortAudio = BenchMedia.Wav(Path.Combine(work, "voice-1.5s.wav"), 1.5, 16000, 1);

if (appEnvironment.Count > 0) Console.WriteLine("app environment: " + string.Join(" ", appEnvironment.Select(e => $"{e.Key}={e.Value}")));
// The upload-paths part drives the app's diagnostics page (off unless asked for).
var firstAppEnvironment = new Dictionary<string, string>(appEnvironment) { ["Diagnostics__UploadPage"] = "true" };
if (Runs("uploads") || Runs("watchers") || Runs("upload-paths"))
await using (var app = await AppUnderTest.StartAsync(appDll, data, firstAppEnvironment))
{
    var (http, cookies) = await app.SignInAsync();
    using var _ = http;
    var api = new BenchApi(http, cookies);
    Console.WriteLine($"app pid {app.ProcessId} at {app.BaseAddress}; started in {total.Elapsed.TotalSeconds:0.0} s (with media generation)");
    var before = await app.MemoryAsync(http);
    Console.WriteLine($"app memory at start: working set {before.WorkingSetMb:0.0} MB, GC heap {before.GcHeapMb:0.0} MB");
    Console.WriteLine();

    var phase = Stopwatch.StartNew();
    if (Runs("uploads"))
    {
        await UploadBenchmark.RunAsync(app, api, bigImage, bigAudio, clients, uploadRounds,
            int.TryParse(args.SkipWhile(a => a != "--transfer-rounds").Skip(1).FirstOrDefault(), out var t) ? t : 1);
        Console.WriteLine($"    ({phase.Elapsed.TotalSeconds:0} s)");
        Console.WriteLine();
    }

    phase.Restart();
    if (Runs("watchers"))
    {
        await WatcherBenchmark.RunAsync(app, api, watchAudio, astronaut, watchers, watcherResolution);
        Console.WriteLine($"    ({phase.Elapsed.TotalSeconds:0} s)");
        Console.WriteLine();
    }
    var after = await app.MemoryAsync(http);
    Console.WriteLine($"app memory after (a) and (b): working set {after.WorkingSetMb:0.0} MB, GC heap {after.GcHeapMb:0.0} MB");

    phase.Restart();
    if (Runs("upload-paths"))
    {
        Console.WriteLine();
        await UploadPathsBenchmark.RunAsync(app, api, bigImage, work, pathRounds);
        Console.WriteLine($"    ({phase.Elapsed.TotalSeconds:0} s)");
    }
}

// (e) on a freshly started app: circuits on top of a quiet process, not of what the parts above left behind.
if (Runs("circuits"))
await using (var app = await AppUnderTest.StartAsync(appDll, data, appEnvironment))
{
    var (http, cookies) = await app.SignInAsync();
    using var _ = http;
    Console.WriteLine();
    var phase = Stopwatch.StartNew();
    await CircuitMemoryBenchmark.RunAsync(app, new BenchApi(http, cookies), circuits);
    Console.WriteLine($"    ({phase.Elapsed.TotalSeconds:0} s)");
}

// (f) on a freshly started app, like (e): job pages and their circuits on top of a quiet process.
if (Runs("job-pages"))
await using (var app = await AppUnderTest.StartAsync(appDll, data, appEnvironment))
{
    var (http, cookies) = await app.SignInAsync();
    using var _ = http;
    Console.WriteLine();
    var phase = Stopwatch.StartNew();
    await JobPageBenchmark.RunAsync(app, new BenchApi(http, cookies), astronaut, jobPageAudio, jobPages, watcherResolution);
    Console.WriteLine($"    ({phase.Elapsed.TotalSeconds:0} s)");
}

// (c) on a freshly started app (same data directory): the per-job trend, not what the upload storm left behind.
if (Runs("memory"))
await using (var app = await AppUnderTest.StartAsync(appDll, data, appEnvironment))
{
    var (http, cookies) = await app.SignInAsync();
    using var _ = http;
    Console.WriteLine();
    var phase = Stopwatch.StartNew();
    await MemoryBenchmark.RunAsync(app, api: new BenchApi(http, cookies), astronaut, shortAudio, memoryJobs);
    Console.WriteLine($"    ({phase.Elapsed.TotalSeconds:0} s)");
}
if (Runs("transport"))
{
    Console.WriteLine();
    var phase = Stopwatch.StartNew();
    await TransportBenchmark.RunAsync(appDll, work, astronaut, shortAudio, transportJobs, rabbitUri, appEnvironment);
    Console.WriteLine($"    ({phase.Elapsed.TotalSeconds:0} s)");
}
if (Runs("workers"))
{
    Console.WriteLine();
    var phase = Stopwatch.StartNew();
    double workerAudioSeconds = quick ? 1.5 : 4;
    var workerAudio = BenchMedia.Wav(Path.Combine(work, "voice-workers.wav"), workerAudioSeconds, 16000, 1);
    await WorkersBenchmark.RunAsync(appDll, work, astronaut, workerAudio, workerAudioSeconds, workerJobs, 256, appEnvironment);
    Console.WriteLine($"    ({phase.Elapsed.TotalSeconds:0} s)");
}
// (g) the mixed-workload soak on a freshly started app, real engine, request limits raised out of the way (one address).
int soakExit = 0;
if (Runs("soak"))
await using (var app = await AppUnderTest.StartAsync(appDll, data, new Dictionary<string, string>(appEnvironment)
{
    ["RateLimits__ApiPerUser"] = "1000000", ["RateLimits__ApiPerIp"] = "1000000",
    ["RateLimits__SubmitPerUser"] = "100000", ["RateLimits__SubmitPerIp"] = "100000",
}))
{
    Console.WriteLine();
    Console.WriteLine($"(g) soak: app pid {app.ProcessId} at {app.BaseAddress}");
    double minutes = double.TryParse(args.SkipWhile(a => a != "--minutes").Skip(1).FirstOrDefault(), System.Globalization.CultureInfo.InvariantCulture, out var m) ? m : 30;
    double sampleSeconds = double.TryParse(args.SkipWhile(a => a != "--sample-seconds").Skip(1).FirstOrDefault(), System.Globalization.CultureInfo.InvariantCulture, out var ss) ? ss : 60;
    var target = await SonicWeb.LoadBench.Soak.SoakTarget.PrepareAsync(app);
    var soak = await new SonicWeb.LoadBench.Soak.SoakRun(target,
        new SonicWeb.LoadBench.Soak.SoakOptions { Duration = TimeSpan.FromMinutes(minutes), SampleInterval = TimeSpan.FromSeconds(sampleSeconds) },
        await File.ReadAllBytesAsync(astronaut), await File.ReadAllBytesAsync(shortAudio), Console.Out).RunAsync();
    bool ok = soak.ServerErrors == 0 && soak.JobsNotFinished.Count == 0 && soak.Growth.All(g => !g.GrewSteadily);
    Console.WriteLine($"soak verdict: {(ok ? "PASSED" : "FAILED")} (no 5xx, every accepted job finished, nothing grew steadily)");
    soakExit = ok ? 0 : 2;
}
Console.WriteLine();
Console.WriteLine($"total {total.Elapsed.TotalSeconds:0} s");
if (!keepData) Directory.Delete(work, recursive: true);
else Console.WriteLine($"kept {work}");
return soakExit;

static string FindRepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "SonicWeb.sln"))) return dir.FullName;
    throw new InvalidOperationException("SonicWeb.sln not found above " + AppContext.BaseDirectory);
}
