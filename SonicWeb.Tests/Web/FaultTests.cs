using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SonicWeb.Tests.TestSupport;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Web;

/// <summary>
/// Resource faults of issue 12, each injected for real (a second process locking the database, ffmpeg killed or
/// removed, an SMTP server that hangs, a full tmpfs as Storage:Root): each gives a clear job failure or a 503
/// with a reason, /health names it, other work goes on, and the app recovers by itself once the fault is gone.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class FaultTests
{
    [Fact]
    public async Task A_database_locked_by_another_process_gives_503_with_the_reason_and_recovers_when_released()
    {
        using var host = new WebTestHost(settings: new() { ["Storage:BusyTimeoutSeconds"] = "1" });
        var before = (await SubmitAsync(host.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;
        await WaitForAsync(host.Http, before, IsFinished, TimeSpan.FromSeconds(90));

        // The sqlite3 shell takes the write lock and keeps it while its stdin stays open.
        using var shell = Process.Start(new ProcessStartInfo("sqlite3", Path.Combine(host.Root, "sonicweb.db"))
            { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false })!;
        await shell.StandardInput.WriteLineAsync("BEGIN EXCLUSIVE; SELECT 'locked';"); // in WAL mode this takes the write lock at once
        await shell.StandardInput.FlushAsync();
        Assert.Equal("locked", await shell.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));

        using (var refused = await host.Http.PostAsync("/api/jobs", Form(TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"))))
        {
            var body = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, body);
            Assert.Equal("database_locked", JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
            Assert.Contains("locked by another process", body);
            Assert.NotNull(refused.Headers.RetryAfter);
        }
        var health = await HealthAsync(host.Http);
        Assert.Equal("Unhealthy", health.GetProperty("checks").GetProperty("database-write").GetProperty("status").GetString());
        Assert.Contains("locked by another process", health.GetProperty("checks").GetProperty("database-write").GetProperty("description").GetString());
        Assert.Equal("Succeeded", (await GetJobAsync(host.Http, before)).Status()); // reads go on

        shell.StandardInput.Close(); // the shell exits and its lock goes
        await shell.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("Healthy", (await HealthAsync(host.Http)).GetProperty("checks").GetProperty("database-write").GetProperty("status").GetString());
        var after = (await SubmitAsync(host.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"), ("seed", "2"))).GetProperty("id").GetString()!;
        Assert.Equal("Succeeded", (await WaitForAsync(host.Http, after, IsFinished, TimeSpan.FromSeconds(90))).Status());
    }

    [Fact]
    public async Task Ffmpeg_killed_mid_job_fails_that_job_clearly_and_the_next_job_succeeds()
    {
        using var host = new WebTestHost(settings: Paced());
        var id = (await SubmitAsync(host.Http, TestMedia.AstronautPng, LongSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;
        await WaitForAsync(host.Http, id, j => j.GetProperty("framesDone").GetInt32() > 5, TimeSpan.FromSeconds(60));
        var encoder = EncoderOf(host.Root, id);
        Assert.NotNull(encoder);
        Process.GetProcessById(encoder.Value).Kill(); // SIGKILL, as the OOM killer would

        var failed = await WaitForAsync(host.Http, id, IsFinished, TimeSpan.FromSeconds(60));
        Assert.Equal("Failed", failed.Status());
        Assert.Equal("encoder_failed", failed.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("ffmpeg", failed.GetProperty("error").GetProperty("message").GetString());
        Assert.Empty(Directory.GetFiles(Path.Combine(host.Root, "outputs", id), "*.mp4"));

        var next = (await SubmitAsync(host.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;
        Assert.Equal("Succeeded", (await WaitForAsync(host.Http, next, IsFinished, TimeSpan.FromSeconds(90))).Status());
        using (var retry = await host.Http.PostAsync($"/api/jobs/{id}/retry", null)) Assert.True(retry.IsSuccessStatusCode);
        Assert.Equal("Succeeded", (await WaitForAsync(host.Http, id, IsFinished, TimeSpan.FromSeconds(120))).Status());
    }

    [Fact]
    public async Task Ffmpeg_missing_gives_503_naming_it_and_health_shows_it_until_it_is_back()
    {
        // Storage:Root's sibling folder holds a link to the real ffmpeg; removing the link is removing ffmpeg.
        var tools = Directory.CreateTempSubdirectory("sonicweb-tools-").FullName;
        var link = Path.Combine(tools, "ffmpeg");
        var real = TestMedia.Run("sh", "-c", "command -v ffmpeg").Trim();
        try
        {
            using var host = new WebTestHost(settings: new() { ["Engine:Ffmpeg:FfmpegPath"] = link });
            using (var refused = await host.Http.PostAsync("/api/jobs", Form(TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"))))
            {
                var body = await refused.Content.ReadAsStringAsync();
                if (refused.StatusCode == HttpStatusCode.Accepted)
                {
                    // The inputs were checked without ffmpeg (ffprobe is still there): the job itself fails, naming it.
                    var failed = await WaitForAsync(host.Http, JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!, IsFinished, TimeSpan.FromSeconds(60));
                    Assert.Equal("Failed", failed.Status());
                    Assert.Equal("ffmpeg_missing", failed.GetProperty("error").GetProperty("code").GetString());
                    body = failed.GetProperty("error").GetProperty("message").GetString()!;
                }
                else Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, body);
                Assert.Contains("ffmpeg could not be started", body);
                Assert.Contains("apt-get install -y ffmpeg", body);
            }
            var health = await HealthAsync(host.Http);
            Assert.Equal("Unhealthy", health.GetProperty("checks").GetProperty("ffmpeg").GetProperty("status").GetString());
            Assert.Contains(link, health.GetProperty("checks").GetProperty("ffmpeg").GetProperty("description").GetString());

            File.CreateSymbolicLink(link, real); // ffmpeg is installed again
            Assert.Equal("Healthy", (await HealthAsync(host.Http)).GetProperty("checks").GetProperty("ffmpeg").GetProperty("status").GetString());
            var id = (await SubmitAsync(host.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;
            Assert.Equal("Succeeded", (await WaitForAsync(host.Http, id, IsFinished, TimeSpan.FromSeconds(90))).Status());
        }
        finally { Directory.Delete(tools, recursive: true); }
    }

    [Fact]
    public async Task An_SMTP_server_hanging_mid_conversation_never_holds_up_jobs_and_mail_goes_out_once_it_answers()
    {
        int port = SmtpTestServer.FreePort();
        var hanging = await HangingSmtpServer.StartAsync(port);
        using var host = new WebTestHost(settings: new()
        {
            ["Email:Host"] = "127.0.0.1", ["Email:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Email:From"] = "sonicweb@sonic.example.test", ["Email:TimeoutSeconds"] = "2", ["Email:RetryInitialSeconds"] = "1", ["Email:RetryMaxSeconds"] = "2",
        });
        try
        {
            var first = (await SubmitAsync(host.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;
            Assert.Equal("Succeeded", (await WaitForAsync(host.Http, first, IsFinished, TimeSpan.FromSeconds(90))).Status());
            await hanging.WaitForConnectionAsync(TimeSpan.FromSeconds(30));
            // While the server hangs, jobs go on.
            var second = (await SubmitAsync(host.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"), ("seed", "3"))).GetProperty("id").GetString()!;
            Assert.Equal("Succeeded", (await WaitForAsync(host.Http, second, IsFinished, TimeSpan.FromSeconds(90))).Status());
            var email = await WaitForHealthAsync(host.Http, "email", "Degraded", TimeSpan.FromSeconds(30));
            Assert.Contains("wait for a retry", email.GetProperty("description").GetString());
        }
        finally { await hanging.DisposeAsync(); }

        await using var smtp = await SmtpTestServer.StartAsync(port); // the server answers again
        await smtp.WaitForAsync(_ => true, TimeSpan.FromSeconds(60));
        await WaitForHealthAsync(host.Http, "email", "Healthy", TimeSpan.FromSeconds(60));
        Assert.True(smtp.Received().Count >= 2, string.Join("; ", smtp.Received().Select(m => m.Subject)));
    }

    [Fact]
    public async Task A_full_disk_during_upload_and_during_encoding_gives_503_or_a_clear_failure_and_recovers_once_freed()
    {
        // A 24 MB tmpfs is Storage:Root: the database, uploads and outputs all live on it.
        var mount = Directory.CreateTempSubdirectory("sonicweb-tmpfs-").FullName;
        TestMedia.Run("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mount);
        try
        {
            using var host = new WebTestHost(root: mount, settings: Paced(new() { ["Storage:MinFreeBytes"] = "4194304" }));
            var filler = Path.Combine(mount, "filler.bin");

            // During an upload: only a few hundred KB are left, the photo alone is larger.
            FillLeaving(filler, mount, 300 * 1024);
            using (var refused = await host.Http.PostAsync("/api/jobs", Form(TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"))))
            {
                var body = await refused.Content.ReadAsStringAsync();
                Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, body);
                Assert.Equal("disk_full", JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
                Assert.Contains("Storage:Root", body);
            }
            Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(mount, "staging"))); // nothing half-stored
            var health = await HealthAsync(host.Http);
            Assert.NotEqual("Healthy", health.GetProperty("checks").GetProperty("disk").GetProperty("status").GetString());

            // During encoding: the job is accepted with room to spare, then the disk fills while ffmpeg writes.
            File.Delete(filler);
            var id = (await SubmitAsync(host.Http, TestMedia.AstronautPng, LongSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;
            await WaitForAsync(host.Http, id, j => j.GetProperty("framesDone").GetInt32() > 0, TimeSpan.FromSeconds(60));
            // Nothing left: the run's next write fails whatever it has already written (ffmpeg may have written all the
            // audio ahead of the video, so a few KB left could hold the rest of it). The database records the failure in
            // the room of the disk reserve (Storage:ReserveBytes), which the runner gives back.
            FillLeaving(filler, mount, 0);
            var failed = await WaitForAsync(host.Http, id, IsFinished, TimeSpan.FromSeconds(120));
            Assert.Equal("Failed", failed.Status());
            var message = failed.GetProperty("error").GetProperty("message").GetString()!;
            Assert.True(message.Contains("No space left on device") || message.Contains("is full"), message);

            // Space is freed: the same job retried, and a new one, both complete.
            File.Delete(filler);
            using (var retry = await host.Http.PostAsync($"/api/jobs/{id}/retry", null)) Assert.True(retry.IsSuccessStatusCode);
            Assert.Equal("Succeeded", (await WaitForAsync(host.Http, id, IsFinished, TimeSpan.FromSeconds(120))).Status());
            Assert.Equal(2L * 1024 * 1024, new FileInfo(Path.Combine(mount, "disk-reserve.bin")).Length); // set aside again for the next time
            var next = (await SubmitAsync(host.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;
            Assert.Equal("Succeeded", (await WaitForAsync(host.Http, next, IsFinished, TimeSpan.FromSeconds(90))).Status());
        }
        finally
        {
            TestMedia.Run("umount", "-l", mount);
            Directory.Delete(mount, recursive: true);
        }
    }

    /// <summary>Writes a file that leaves about <paramref name="leave"/> bytes free on the file system of <paramref name="folder"/>.</summary>
    private static void FillLeaving(string file, string folder, long leave)
    {
        long free = new DriveInfo(folder).AvailableFreeSpace;
        using var stream = File.Create(file);
        var block = new byte[64 * 1024];
        try
        {
            for (long left = free - leave; left > 0; left -= block.Length)
                stream.Write(block, 0, (int)Math.Min(block.Length, left));
            stream.Flush();
        }
        catch (IOException) when (new DriveInfo(folder).AvailableFreeSpace <= leave) { } // the app's own writes got there first

    }

    [Fact]
    public async Task A_model_file_corrupted_or_deleted_names_the_file_and_the_app_recovers_once_it_is_restored()
    {
        // The installation's own copy of the models (Engine:ModelsDirectory), so breaking it touches no other test.
        var models = Directory.CreateTempSubdirectory("sonicweb-models-").FullName;
        foreach (var file in Directory.GetFiles(SonicWeb.Engine.Models.ModelStore.Default.Directory))
            File.Copy(file, Path.Combine(models, Path.GetFileName(file)));
        const string ModelFile = "blazeface_front_128.onnx"; // the face detector every job runs
        var model = Path.Combine(models, ModelFile);
        var good = File.ReadAllBytes(model);
        var root = Directory.CreateTempSubdirectory("sonicweb-web-").FullName;
        var settings = new Dictionary<string, string> { ["Engine:ModelsDirectory"] = models };
        try
        {
            string earlier;
            using (var host = new WebTestHost(root, settings))
            {
                earlier = (await SubmitAsync(host.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;
                Assert.Equal("Succeeded", (await WaitForAsync(host.Http, earlier, IsFinished, TimeSpan.FromSeconds(90))).Status());
            }

            // Corrupted (bytes flipped in place, same size) while the app was down: the next start cannot load it.
            var corrupt = (byte[])good.Clone();
            for (int i = 4096; i < 4196; i++) corrupt[i] ^= 0xFF;
            File.WriteAllBytes(model, corrupt);
            using (var host = new WebTestHost(root, settings))
            {
                var health = await WaitForHealthAsync(host.Http, "models", "Unhealthy", TimeSpan.FromSeconds(10));
                var text = health.GetProperty("description").GetString()!;
                Assert.Contains(ModelFile, text);
                Assert.Contains("corrupt", text);
                Assert.Contains("sha256", text);

                // A job needing the model: refused (503) or failed, either way naming the file.
                using (var submit = await host.Http.PostAsync("/api/jobs", Form(TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"), ("seed", "2"))))
                {
                    var body = await submit.Content.ReadAsStringAsync();
                    if (submit.StatusCode == HttpStatusCode.Accepted)
                    {
                        var failed = await WaitForAsync(host.Http, JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!, IsFinished, TimeSpan.FromSeconds(60));
                        Assert.Equal("Failed", failed.Status());
                        Assert.Equal("model_missing", failed.GetProperty("error").GetProperty("code").GetString());
                        body = failed.GetProperty("error").GetProperty("message").GetString()!;
                    }
                    else
                    {
                        Assert.True(submit.StatusCode == HttpStatusCode.ServiceUnavailable, body);
                        Assert.Equal("model_missing", JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
                    }
                    Assert.Contains(ModelFile, body);
                    Assert.Contains("corrupt", body);
                }

                // Other work goes on: the earlier video, the job list, the history page.
                using (var video = await host.Http.GetAsync($"/api/jobs/{earlier}/video"))
                {
                    Assert.Equal(HttpStatusCode.OK, video.StatusCode);
                    Assert.Equal("video/mp4", video.Content.Headers.ContentType?.MediaType);
                }
                Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/api/jobs")).StatusCode);
                Assert.Contains(earlier, await host.Http.GetStringAsync("/history"));

                // Restored: /health is healthy again and the next job loads the model, without a restart.
                File.WriteAllBytes(model, good);
                await WaitForHealthAsync(host.Http, "models", "Healthy", TimeSpan.FromSeconds(10));
                var after = (await SubmitAsync(host.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"), ("seed", "3"))).GetProperty("id").GetString()!;
                Assert.Equal("Succeeded", (await WaitForAsync(host.Http, after, IsFinished, TimeSpan.FromSeconds(90))).Status());

                // Deleted while the app runs, with the model in memory: jobs go on from memory, /health warns that the
                // next start would fail, and is healthy again once the file is back.
                File.Delete(model);
                var deleted = await WaitForHealthAsync(host.Http, "models", "Degraded", TimeSpan.FromSeconds(10));
                Assert.Contains(ModelFile, deleted.GetProperty("description").GetString());
                Assert.Contains("missing", deleted.GetProperty("description").GetString());
                Assert.Contains("after a restart", deleted.GetProperty("description").GetString());
                var fromMemory = (await SubmitAsync(host.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"), ("seed", "4"))).GetProperty("id").GetString()!;
                Assert.Equal("Succeeded", (await WaitForAsync(host.Http, fromMemory, IsFinished, TimeSpan.FromSeconds(90))).Status());
                File.WriteAllBytes(model, good);
                await WaitForHealthAsync(host.Http, "models", "Healthy", TimeSpan.FromSeconds(10));
            }
        }
        finally { Directory.Delete(models, recursive: true); }
    }

    private static async Task<JsonElement> HealthAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/health");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static async Task<JsonElement> WaitForHealthAsync(HttpClient http, string check, string status, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var entry = (await HealthAsync(http)).GetProperty("checks").GetProperty(check);
            if (entry.GetProperty("status").GetString() == status) return entry;
            if (DateTime.UtcNow > until) throw new TimeoutException($"/health {check} did not become {status}: {entry}");
            await Task.Delay(200);
        }
    }

    /// <summary>The ffmpeg writing the job's partial MP4 (its command line names outputs/&lt;id&gt;/).</summary>
    private static int? EncoderOf(string root, string jobId)
    {
        var folder = Path.Combine(root, "outputs", jobId);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                var args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                if (Path.GetFileName(args[0]) == "ffmpeg" && args.Any(a => a.Contains(folder + "/", StringComparison.Ordinal))) return pid; // "file:/…/outputs/<id>/.video.partial-…"
            }
            catch (IOException) { }
        }
        return null;
    }
}
