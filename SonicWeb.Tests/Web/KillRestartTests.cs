using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SonicWeb.Tests.TestSupport;
using SonicWeb.Tests.Web.Team;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Web;

/// <summary>
/// The crash test of issue 12: the real app process (real engine at 256 px, real SQLite, real ffmpeg, a real
/// SMTP server) is SIGKILLed at many moments in one run and started again on the same data folder. At the end,
/// read from the database and the files: every job the app acknowledged (202) completed exactly once with a
/// valid MP4, nothing acknowledged is lost, no extra job appeared, and no ffmpeg process, temporary file,
/// half-written output or abandoned upload survives.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class KillRestartTests
{
    private readonly string _root = Directory.CreateTempSubdirectory("sonicweb-kill-").FullName;
    private readonly int _port = AppProcess.FreeLoopbackPort();
    private readonly int _smtpPort = SmtpTestServer.FreePort();
    private readonly List<string> _killPoints = [];
    /// <summary>Single jobs the app answered 202 for: each must complete exactly once.</summary>
    private readonly List<string> _acknowledged = [];

    private Dictionary<string, string> Environment(params (string Key, string Value)[] extra)
    {
        var env = new Dictionary<string, string>
        {
            ["Admin__Email"] = WebTestHost.AdminEmail, ["Admin__Password"] = WebTestHost.AdminPassword, ["Admin__DisplayName"] = WebTestHost.AdminName,
            ["Jobs__PollSeconds"] = "0.5",
            ["Jobs__ReuseIdenticalOutputs"] = "false", // every job renders its own video (the same clip is submitted several times)
            ["Email__Host"] = "127.0.0.1", ["Email__Port"] = _smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Email__From"] = "sonicweb@sonic.example.test", ["Email__TimeoutSeconds"] = "120",
            ["Cleanup__IntervalSeconds"] = "2", // the timer sweeps while jobs run: it must never touch their files
        };
        foreach (var (key, value) in extra) env[key] = value;
        return env;
    }

    private async Task<(AppProcess App, HttpClient Http)> StartAsync(params (string Key, string Value)[] extra)
    {
        var app = await AppProcess.StartAsync(Environment(extra), _root, _port);
        var (http, _) = await SignInAsync(app.BaseAddress, WebTestHost.AdminEmail, WebTestHost.AdminPassword);
        return (app, http);
    }

    private async Task CrashAsync(AppProcess app, HttpClient http, string point)
    {
        await app.CrashAsync();
        http.Dispose();
        await app.DisposeAsync();
        _killPoints.Add(point);
    }

    private async Task<string> SubmitAsync(HttpClient http, string audio, params (string Name, string Value)[] fields)
    {
        var resolution = fields.FirstOrDefault(f => f.Name == "min_resolution").Value ?? "256";
        var id = (await WebTestKit.SubmitAsync(http, TestMedia.AstronautPng, audio,
            [("min_resolution", resolution), .. fields.Where(f => f.Name != "min_resolution")])).GetProperty("id").GetString()!;
        _acknowledged.Add(id);
        _widths[id] = int.Parse(resolution, System.Globalization.CultureInfo.InvariantCulture);
        return id;
    }

    /// <summary>The video width each acknowledged job must end with (batch jobs: 256).</summary>
    private readonly Dictionary<string, int> _widths = [];

    [Fact]
    public async Task Jobs_survive_SIGKILL_at_every_stage_and_complete_exactly_once_with_nothing_left_behind()
    {
        var smtp = await SmtpTestServer.StartAsync(_smtpPort);
        try
        {
            await RunKillPointsAsync(() => smtp, s => smtp = s);
        }
        finally
        {
            await smtp.DisposeAsync();
            try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
        }
    }

    private async Task RunKillPointsAsync(Func<SmtpTestServer> smtp, Action<SmtpTestServer> setSmtp)
    {
        var (app, http) = await StartAsync();

        // 1. An upload being received: never acknowledged, so it must leave nothing (no job, no staged file).
        var staging = Path.Combine(_root, "staging");
        var halfSent = new TaskCompletionSource();
        using var stopSending = new CancellationTokenSource();
        var upload = Task.Run(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = new StallingForm(TestMedia.AstronautPng, halfSent, stopSending.Token).Init() };
            try { using var response = await http.SendAsync(request); return (int)response.StatusCode; }
            catch (HttpRequestException) { return 0; }
            catch (TaskCanceledException) { return 0; }
        });
        await halfSent.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await WaitUntilAsync(() => Directory.EnumerateFiles(staging, "*", SearchOption.AllDirectories).Any(), "the upload reached staging/");
        await CrashAsync(app, http, "upload being received");
        await stopSending.CancelAsync();
        Assert.Equal(0, await upload); // the client saw the connection drop: no 202, nothing promised

        // 2. Accepted while busy: the 202 says Checking; the background face check has not run yet.
        (app, http) = await StartAsync(("Uploads__SyncCheckMaxConcurrent", "0"));
        var checking = await SubmitAsync(http, ShortSpeech, ("name", "checked in the background"));
        Assert.Equal("Checking", (await GetJobAsync(http, checking)).Status());
        await CrashAsync(app, http, "job accepted, face check pending (Checking)");

        // 3. A long job loading its models / analysing the face, another queued behind it.
        (app, http) = await StartAsync();
        // 640 px: long enough to render that the kill points "rendering" and "encoding" are reached on an idle machine
        // too (at 256 px the whole job took about a second and finished before the encoding kill point could be seen).
        var longJob = await SubmitAsync(http, LongSpeech, ("name", "long"), ("min_resolution", "640"));
        var queued = await SubmitAsync(http, ShortSpeech, ("name", "queued"));
        await WaitForAsync(http, queued, j => j.Status() == "Queued", TimeSpan.FromSeconds(60));
        await WaitForAsync(http, longJob, j => j.Status() == "Running", TimeSpan.FromSeconds(120));
        await CrashAsync(app, http, "job queued behind a running one");

        // 4. Rendering frames.
        (app, http) = await StartAsync();
        await WaitForAsync(http, longJob, j => j.Status() == "Running" && j.GetProperty("framesDone").GetInt32() > 0, TimeSpan.FromSeconds(180));
        await CrashAsync(app, http, "rendering (frames done > 0)");

        // 5. Encoding: ffmpeg has written part of the MP4 (its partial file grows while frames stream in).
        (app, http) = await StartAsync();
        await WaitUntilAsync(() => PartialFiles(longJob).Any(f => new FileInfo(f).Length > 4096), "ffmpeg writing the long job's MP4", TimeSpan.FromSeconds(300));
        await CrashAsync(app, http, "encoding (ffmpeg writing the partial MP4)");

        // 6. A preview-first job waiting for its confirmation.
        (app, http) = await StartAsync();
        var preview = await SubmitAsync(http, ShortSpeech, ("name", "preview first"), ("preview_first", "true"));
        await WaitForAsync(http, preview, j => j.Status() == "AwaitingConfirmation", TimeSpan.FromSeconds(180));
        await CrashAsync(app, http, "preview rendered, awaiting confirmation");

        // 7. Right after the confirmation was acknowledged.
        (app, http) = await StartAsync();
        using (var confirm = await http.PostAsync($"/api/jobs/{preview}/confirm", null))
            Assert.True(confirm.IsSuccessStatusCode, await confirm.Content.ReadAsStringAsync());
        await CrashAsync(app, http, "confirmation acknowledged");

        // 8. An email being sent: the SMTP server hangs mid-conversation when the app is killed.
        await smtp().DisposeAsync();
        await using (var hanging = await HangingSmtpServer.StartAsync(_smtpPort))
        {
            (app, http) = await StartAsync();
            await hanging.WaitForConnectionAsync(TimeSpan.FromSeconds(300)); // the first finished job's email
            await CrashAsync(app, http, "email being sent (SMTP server mid-conversation)");
        }
        setSmtp(await SmtpTestServer.StartAsync(_smtpPort));

        // 9. A batch just acknowledged.
        (app, http) = await StartAsync();
        string batchId;
        using (var response = await http.PostAsync("/api/batches", BatchTestKit.Form(TestMedia.AstronautPng,
                   [BatchTestKit.Clip("Hello.", "hello"), BatchTestKit.Clip("Thank you.", "thanks")], null, ("min_resolution", "256"), ("name", "batch"))))
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, body);
            batchId = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
        }
        await CrashAsync(app, http, "batch acknowledged");

        // 10. The batch's zip being built and streamed to a client.
        (app, http) = await StartAsync();
        await BatchTestKit.WaitForBatchAsync(http, batchId, TimeSpan.FromSeconds(300));
        using (var zipResponse = await http.GetAsync($"/api/batches/{batchId}/zip", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, zipResponse.StatusCode);
            await using var stream = await zipResponse.Content.ReadAsStreamAsync();
            await stream.ReadExactlyAsync(new byte[1024]);
            await CrashAsync(app, http, "batch zip being streamed");
        }

        // 11. A job that has just succeeded (its finishing steps: history, estimator, email outbox).
        (app, http) = await StartAsync();
        var last = await SubmitAsync(http, ShortSpeech, ("name", "last"));
        await WaitForAsync(http, last, j => j.Status() == "Succeeded", TimeSpan.FromSeconds(300));
        await CrashAsync(app, http, "job just succeeded (finishing steps)");

        // An ffmpeg that outlived its app (as one can when the app dies while ffmpeg does not read stdin): the
        // next start must find and kill it, and remove what it was writing.
        var strayFolder = Path.Combine(_root, "outputs", longJob);
        Directory.CreateDirectory(strayFolder);
        using var stray = Process.Start(new ProcessStartInfo("ffmpeg")
        {
            ArgumentList = { "-nostdin", "-v", "error", "-re", "-f", "lavfi", "-i", "testsrc=size=64x64:rate=5", "-t", "600", "-y", Path.Combine(strayFolder, ".video.partial-stray.mp4") },
            UseShellExecute = false, RedirectStandardError = true,
            Environment = { [SonicWeb.Engine.Media.FfmpegProcessTable.OwnerVariable] = _root }, // as the killed app tagged its ffmpeg
        })!;
        await WaitUntilAsync(() => File.Exists(Path.Combine(strayFolder, ".video.partial-stray.mp4")), "the stray ffmpeg writing");

        // The final start: everything acknowledged completes.
        (app, http) = await StartAsync();
        try
        {
            Assert.True(stray.WaitForExit(30_000), "the orphaned ffmpeg was not killed at start");
            foreach (var id in _acknowledged)
            {
                var job = await WaitForAsync(http, id, IsFinished, TimeSpan.FromSeconds(300));
                Assert.True(job.Status() == "Succeeded", $"job {id}: {job}");
            }
            var batch = await BatchTestKit.WaitForBatchAsync(http, batchId, TimeSpan.FromSeconds(300));
            Assert.Equal(2, batch.Count("succeeded"));
            using (var zip = new ZipArchive(await http.GetStreamAsync($"/api/batches/{batchId}/zip")))
                Assert.Equal(2, zip.Entries.Count(e => e.Name.EndsWith(".mp4", StringComparison.Ordinal)));
            await WaitUntilAsync(() => EmailRows().All(r => r.Status == "Sent"), "every finished-job email sent", TimeSpan.FromSeconds(120));

            AssertExactlyOnce(batchId);
            await WaitUntilAsync(() => !OurFfmpeg().Any(), "no ffmpeg of this data folder left", TimeSpan.FromSeconds(30));
        }
        finally
        {
            http.Dispose();
            await app.DisposeAsync();
            File.WriteAllText(Path.Combine(TestMedia.ArtifactsDir, "kill-points.txt"), string.Join("\n", _killPoints));
        }
        Assert.True(_killPoints.Count >= 10, string.Join("; ", _killPoints));
    }

    /// <summary>From the database and the files: one row per acknowledged job (plus the batch's), each Succeeded once with a valid MP4 and nothing half-done beside it.</summary>
    private void AssertExactlyOnce(string batchId)
    {
        var rows = JobRows();
        var batchJobs = rows.Where(r => r.BatchId == batchId).ToList();
        Assert.Equal(2, batchJobs.Count);
        Assert.Equal(_acknowledged.Order(), rows.Where(r => r.BatchId is null).Select(r => r.Id).Order()); // none lost, none extra
        foreach (var row in rows)
        {
            Assert.True(row.Status == "Succeeded" && row.FinishedAt is not null, $"{row.Id}: {row.Status}");
            Assert.Equal($"outputs/{row.Id}/video.mp4", row.OutputPath);
            var files = Directory.GetFiles(Path.Combine(_root, "outputs", row.Id));
            Assert.Single(files, f => f.EndsWith(".mp4", StringComparison.Ordinal)); // no partial beside it
            Assert.DoesNotContain(files, f => f.EndsWith(".tmp", StringComparison.Ordinal));
            var probe = Probe(Path.Combine(_root, row.OutputPath!));
            Assert.Equal("h264,aac", probe.Codecs);
            Assert.Equal(_widths.GetValueOrDefault(row.Id, 256), probe.Width);
            Assert.InRange(probe.Duration, row.VideoSeconds - 0.3, row.VideoSeconds + 0.3);
        }
        // Each single job told its owner once (one outbox row; the batch sends one message for the whole batch).
        var emails = EmailRows();
        foreach (var id in _acknowledged) Assert.Single(emails, e => e.JobId == id && e.Kind == "JobFinished");
        Assert.Single(emails, e => e.BatchId == batchId && e.Kind == "BatchFinished");

        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_root, "staging")));
        var folders = Directory.GetDirectories(Path.Combine(_root, "uploads")).Concat(Directory.GetDirectories(Path.Combine(_root, "outputs"))).Select(Path.GetFileName);
        Assert.All(folders, f => Assert.Contains(f, rows.Select(r => r.Id))); // no folder of a job that was never saved
    }

    private sealed record JobRow(string Id, string Status, string? BatchId, string? OutputPath, double VideoSeconds, string? FinishedAt);
    private sealed record EmailRow(string Kind, string Status, string? JobId, string? BatchId);

    private List<JobRow> JobRows() => Query("SELECT Id, Status, BatchId, OutputPath, VideoSeconds, FinishedAt FROM Jobs",
        r => new JobRow(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetDouble(4), r.IsDBNull(5) ? null : r.GetString(5)));

    private List<EmailRow> EmailRows() => Query("SELECT Kind, Status, JobId, BatchId FROM NotificationDeliveries",
        r => new EmailRow(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3)));

    private List<T> Query<T>(string sql, Func<SqliteDataReader, T> read)
    {
        using var db = new SqliteConnection($"Data Source={Path.Combine(_root, "sonicweb.db")};Pooling=False");
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(read(reader));
        return rows;
    }

    private IEnumerable<string> PartialFiles(string jobId)
    {
        var folder = Path.Combine(_root, "outputs", jobId);
        return Directory.Exists(folder) ? Directory.GetFiles(folder, ".*partial*") : [];
    }

    /// <summary>ffmpeg/ffprobe processes whose command line names this data folder.</summary>
    private IEnumerable<int> OurFfmpeg() =>
        Directory.EnumerateDirectories("/proc").Select(d => (Dir: d, Ok: int.TryParse(Path.GetFileName(d), out _))).Where(x => x.Ok).Select(x =>
        {
            try { return (Pid: int.Parse(Path.GetFileName(x.Dir)), Args: File.ReadAllText(Path.Combine(x.Dir, "cmdline")).Split('\0')); }
            catch (IOException) { return (Pid: 0, Args: Array.Empty<string>()); }
        }).Where(p => p.Args.Length > 0 && Path.GetFileName(p.Args[0]) is "ffmpeg" or "ffprobe" && p.Args.Any(a => a.Contains(_root))).Select(p => p.Pid).ToList();

    private static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("waited in vain for " + what);
            await Task.Delay(50);
        }
    }

    /// <summary>A job form whose body sends the photo, then stalls before the recording until the connection dies.</summary>
    private sealed class StallingForm(string image, TaskCompletionSource halfSent, CancellationToken stop) : HttpContent
    {
        private const string Boundary = "stalling-form-boundary";

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(
                $"--{Boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nkilled upload\r\n" +
                $"--{Boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"face.png\"\r\nContent-Type: image/png\r\n\r\n"));
            await stream.WriteAsync(await File.ReadAllBytesAsync(image));
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(
                $"\r\n--{Boundary}\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"voice.wav\"\r\nContent-Type: audio/wav\r\n\r\nRIFF"));
            await stream.FlushAsync();
            halfSent.TrySetResult();
            await Task.Delay(Timeout.Infinite, stop); // the app is killed meanwhile; then the client gives up
        }

        protected override bool TryComputeLength(out long length) { length = 0; return false; }

        public StallingForm Init()
        {
            Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={Boundary}");
            return this;
        }
    }
}
