using System.IO.Compression;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SonicWeb.Notifications;
using SonicWeb.Tests.TestSupport;
using static SonicWeb.Tests.Web.Team.BatchTestKit;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Web.Team;

/// <summary>Batches through the API: one job per pair, all or nothing, the zip, the one message per batch.</summary>
[Collection(WebCollection.Name)]
public sealed class BatchTests
{
    private static WebTestHost Host(NotificationRecorder recorder, Dictionary<string, string>? settings = null) =>
        new(settings: settings, services: s => s.AddSingleton<IUserNotifications>(recorder));

    [Fact]
    public async Task Five_recordings_with_one_photo_make_five_videos_a_zip_named_after_them_and_one_email()
    {
        // The real email path (outbox, sender, SMTP server on loopback). Two worker slots: the last two jobs
        // can end together, which the once-only message must survive.
        await using var smtp = await SmtpTestServer.StartAsync();
        var settings = EmailNotificationTests.EmailSettings(smtp.Port);
        settings["Jobs:Slots"] = "2";
        using var host = new WebTestHost(settings: settings);
        var clips = FiveClips.Select(c => Clip(c.Words, c.Name)).ToList();

        var batch = await SubmitBatchAsync(host.Http, Form(TestMedia.AstronautPng, clips, null, ("min_resolution", "256"), ("name", "Spring catalogue")));
        var id = batch.GetProperty("id").GetString()!;
        Assert.Equal("Spring catalogue", batch.GetProperty("name").GetString());
        Assert.Equal(5, batch.Count("total"));
        Assert.Equal(FiveClips.Select(c => "clip-" + c.Name), batch.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("name").GetString()));
        Assert.All(batch.GetProperty("jobs").EnumerateArray(), j => Assert.Equal(id, j.GetProperty("batchId").GetString()));

        var done = await WaitForBatchAsync(host.Http, id, TimeSpan.FromSeconds(240));
        Assert.Equal(5, done.Count("succeeded"));
        Assert.Equal(5, done.Count("done"));
        Assert.True(done.GetProperty("framesTotal").GetInt32() > 0);
        Assert.Equal(done.GetProperty("framesTotal").GetInt32(), done.GetProperty("framesDone").GetInt32());

        using var response = await host.Http.GetAsync($"/api/batches/{id}/zip");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Spring catalogue.zip", response.Content.Headers.ContentDisposition?.FileNameStar);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        using var zip = new ZipArchive(new MemoryStream(bytes));
        Assert.Equal(FiveClips.Select(c => $"clip-{c.Name}.mp4").Order(), zip.Entries.Select(e => e.FullName).Order());
        var first = Path.Combine(TestMedia.WorkDir, $"batch-{id}-first.mp4");
        zip.Entries[0].ExtractToFile(first, overwrite: true);
        var probe = Probe(first);
        Assert.Equal(256, Math.Min(probe.Width, probe.Height));
        Assert.Contains("h264", probe.Codecs);

        var mail = await smtp.WaitForAsync(m => m.Subject.Contains("Spring catalogue"), TimeSpan.FromSeconds(30));
        Assert.Contains(WebTestHost.AdminEmail, mail.RcptTos);
        Assert.Contains($"/batches/{id}", mail.Text);
        Assert.Contains("(5 succeeded)", mail.Subject);
        Assert.Contains("has finished: 5 job(s)", mail.Text);
        await Task.Delay(3000); // a duplicate message, or one per video, would arrive within moments
        Assert.Single(smtp.Received()); // one email for the whole batch, none per video

        var history = await host.Http.GetStringAsync("/history");
        Assert.Contains($"href=\"/batches/{id}\"", history);
        Assert.Contains("Spring catalogue", history);
    }

    [Fact]
    public async Task A_batch_whose_last_job_ended_just_before_a_crash_is_completed_and_announced_at_the_next_start()
    {
        var root = Directory.CreateTempSubdirectory("sonicweb-web-").FullName;
        var clips = FiveClips.Take(2).Select(c => Clip(c.Words, c.Name)).ToList();
        string id;
        var before = new NotificationRecorder();
        using (var host = new WebTestHost(root, services: s => s.AddSingleton<IUserNotifications>(before)))
        {
            id = (await SubmitBatchAsync(host.Http, Form(TestMedia.AstronautPng, clips, null, ("min_resolution", "256")))).GetProperty("id").GetString()!;
            await WaitForBatchAsync(host.Http, id, TimeSpan.FromSeconds(120));
            // The batch shows finished once its jobs are final; its message follows from the last job's finish handlers.
            for (var until = DateTime.UtcNow.AddSeconds(10); before.BatchesFinished.IsEmpty && DateTime.UtcNow < until;) await Task.Delay(50);
            Assert.Single(before.BatchesFinished);
        }
        // What a SIGKILL between the last job's committed end and its finish handlers leaves: the batch not marked complete.
        using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(root, "sonicweb.db")};Pooling=False"))
        {
            db.Open();
            using var command = db.CreateCommand();
            command.CommandText = $"UPDATE Batches SET FinishedAt = NULL WHERE Id = '{id}'";
            Assert.Equal(1, command.ExecuteNonQuery());
        }

        var after = new NotificationRecorder();
        using (var restarted = new WebTestHost(root, services: s => s.AddSingleton<IUserNotifications>(after)))
        {
            var batch = await WaitForBatchAsync(restarted.Http, id, TimeSpan.FromSeconds(30));
            Assert.Equal(2, batch.Count("succeeded"));
            var told = Assert.Single(after.BatchesFinished);
            Assert.Equal(id, told.BatchId);
            Assert.Equal(2, told.Succeeded);
            Assert.Empty(after.JobsFinished); // batch jobs are announced by the batch's message only
        }

        // Marked complete but its message never written (the app died between the two; the recorder writes no outbox
        // rows, so this start sees exactly that): announced once more, with the same counts.
        var third = new NotificationRecorder();
        using (new WebTestHost(root, services: s => s.AddSingleton<IUserNotifications>(third)))
        {
            var told = Assert.Single(third.BatchesFinished);
            Assert.Equal((id, 2), (told.BatchId, told.Succeeded));
        }
    }

    [Fact]
    public async Task A_zip_with_pairs_csv_makes_one_job_per_line_and_a_missing_file_refuses_the_whole_zip()
    {
        var recorder = new NotificationRecorder();
        using var host = Host(recorder);
        var hello = Clip("Hello.", "hello");
        var thanks = Clip("Thank you.", "thanks");

        var broken = Zip("pairs-broken.zip",
            ("photos/face.png", TestMedia.AstronautPng), ("audio/hello.wav", hello),
            ("pairs.csv", "text:image,audio,name\nphotos/face.png,audio/hello.wav,Intro\nphotos/face.png,audio/missing.wav\n"));
        var (status, problem) = await RefusedAsync(host.Http, Form(null, [], broken, ("min_resolution", "256")));
        Assert.Equal(400, status);
        Assert.Contains("pairs.csv line 3: 'audio/missing.wav' is not in the zip", problem.GetProperty("detail").GetString());
        Assert.Equal(0, await JobTotalAsync(host.Http));

        var good = Zip("pairs.zip",
            ("photos/face.png", TestMedia.AstronautPng), ("audio/hello.wav", hello), ("audio/thanks.wav", thanks),
            ("__MACOSX/._hello.wav", "text:resource fork"),
            ("pairs.csv", "text:image,audio,name\r\nphotos/face.png,audio/hello.wav,Intro\r\n\"photos/face.png\",audio/thanks.wav\r\n"));
        var batch = await SubmitBatchAsync(host.Http, Form(null, [], good, ("min_resolution", "256")));
        Assert.Equal("pairs", batch.GetProperty("name").GetString()); // the zip's name
        Assert.Equal(["Intro", "thanks"], batch.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("name").GetString()!));
        var done = await WaitForBatchAsync(host.Http, batch.GetProperty("id").GetString()!, TimeSpan.FromSeconds(120));
        Assert.Equal(2, done.Count("succeeded"));
        // The message follows the last job's final row (the page can show "finished" a moment earlier).
        await WaitUntilAsync(() => !recorder.BatchesFinished.IsEmpty);
        Assert.Single(recorder.BatchesFinished);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(host.Root, "staging"))); // nothing of either upload is left behind
    }

    [Fact]
    public async Task One_unusable_recording_refuses_the_batch_naming_it_and_no_job_is_left()
    {
        using var host = Host(new NotificationRecorder());
        var hello = Clip("Hello.", "hello");
        var notes = Path.Combine(TestMedia.WorkDir, "notes.wav");
        await File.WriteAllTextAsync(notes, "These are my notes, not a recording.");

        var (status, problem) = await RefusedAsync(host.Http, Form(TestMedia.AstronautPng, [hello, notes], null, ("min_resolution", "256")));
        Assert.Equal(415, status);
        Assert.Equal("unsupported_audio", problem.GetProperty("code").GetString());
        Assert.StartsWith("1 of 2 pairs cannot be used, so no job was made.", problem.GetProperty("detail").GetString());
        Assert.Contains("notes.wav", problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Equal(0, await JobTotalAsync(host.Http)); // the good pair's held job was removed too
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(host.Root, "uploads")));

        (status, problem) = await RefusedAsync(host.Http, Form(TestMedia.AstronautPng, [hello], null, ("preview_first", "true")));
        Assert.Equal(400, status);
        Assert.Contains("preview_first", problem.GetProperty("detail").GetString());

        (status, problem) = await RefusedAsync(host.Http, Form(TestMedia.AstronautPng, [hello], null, ("preset", "Nope")));
        Assert.Equal(400, status);
        Assert.Contains("There is no preset 'Nope'", problem.GetProperty("detail").GetString());
        Assert.Contains("'Quick draft 512'", problem.GetProperty("detail").GetString());

        (status, problem) = await RefusedAsync(host.Http, Form(null, [hello]));
        Assert.Equal(400, status);
        Assert.Contains("'image'", problem.GetProperty("detail").GetString());
        Assert.Equal(0, await JobTotalAsync(host.Http));
    }

    [Fact]
    public async Task Zip_bombs_unsafe_entry_names_and_too_many_pairs_are_refused_before_any_job()
    {
        using var host = Host(new NotificationRecorder(), new() { ["Batches:MaxUncompressedBytes"] = "3000000", ["Batches:MaxItems"] = "3" });
        var hello = Clip("Hello.", "hello");

        // 20 MB of zeros packs into a few KB: refused while unpacking, at the configured total (3 MB).
        var zeros = Path.Combine(TestMedia.WorkDir, "zeros.wav");
        await File.WriteAllBytesAsync(zeros, new byte[20 * 1024 * 1024]);
        var bomb = Zip("bomb.zip", ("face.png", TestMedia.AstronautPng), ("zeros.wav", zeros));
        Assert.True(new FileInfo(bomb).Length < 1_000_000);
        var (status, problem) = await RefusedAsync(host.Http, Form(null, [], bomb));
        Assert.Equal(413, status);
        Assert.Contains("Batches:MaxUncompressedBytes", problem.GetProperty("detail").GetString());

        var climbing = Zip("climb.zip", ("face.png", TestMedia.AstronautPng), ("../../evil.wav", hello));
        (status, problem) = await RefusedAsync(host.Http, Form(null, [], climbing));
        Assert.Equal(400, status);
        Assert.Contains("'../../evil.wav' has an unsafe or invalid name", problem.GetProperty("detail").GetString());
        Assert.False(File.Exists(Path.Combine(host.Root, "..", "evil.wav")));

        var four = Enumerable.Range(0, 4).Select(i => Clip("Hello.", "hello")).ToList();
        (status, problem) = await RefusedAsync(host.Http, Form(TestMedia.AstronautPng, four));
        Assert.Equal(400, status);
        Assert.Contains("Batches:MaxItems", problem.GetProperty("detail").GetString());

        var twoPhotos = Zip("two-photos.zip", ("a.png", TestMedia.AstronautPng), ("b.png", TestMedia.AstronautPng), ("hello.wav", hello));
        (status, problem) = await RefusedAsync(host.Http, Form(null, [], twoPhotos));
        Assert.Equal(400, status);
        Assert.Contains("2 photos", problem.GetProperty("detail").GetString());
        Assert.Equal(0, await JobTotalAsync(host.Http));
    }

    [Fact]
    public async Task Cancelling_the_last_open_job_completes_the_batch_and_a_retry_reopens_it_for_one_more_message()
    {
        var recorder = new NotificationRecorder();
        using var host = Host(recorder, Paced());
        // A long single job keeps the one worker busy, so both batch jobs are still queued when we act.
        var blocker = (await SubmitAsync(host.Http, TestMedia.AstronautPng, LongSpeech, ("min_resolution", "384"))).GetProperty("id").GetString()!;
        var batch = await SubmitBatchAsync(host.Http, Form(TestMedia.AstronautPng, [Clip("Hello.", "hello"), Clip("Thank you.", "thanks")], null, ("min_resolution", "256")));
        var id = batch.GetProperty("id").GetString()!;
        var second = batch.GetProperty("jobs")[1].GetProperty("id").GetString()!;

        Assert.Equal(HttpStatusCode.OK, (await host.Http.PostAsync($"/api/jobs/{second}/cancel", null)).StatusCode);
        Assert.Empty(recorder.BatchesFinished); // the first job has not run yet
        await WaitForAsync(host.Http, blocker, j => j.GetProperty("framesDone").GetInt32() > 0, TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, (await host.Http.PostAsync($"/api/jobs/{blocker}/cancel", null)).StatusCode);

        await WaitForBatchAsync(host.Http, id, TimeSpan.FromSeconds(120));
        await WaitUntilAsync(() => recorder.BatchesFinished.Count >= 1);
        var first = Assert.Single(recorder.BatchesFinished);
        Assert.Equal((1, 0, 1), (first.Succeeded, first.Failed, first.Cancelled));

        Assert.Equal(HttpStatusCode.OK, (await host.Http.PostAsync($"/api/jobs/{second}/retry", null)).StatusCode);
        var again = await WaitForBatchAsync(host.Http, id, TimeSpan.FromSeconds(120), b => b.Count("succeeded") == 2);
        Assert.True(again.GetProperty("isFinished").GetBoolean());
        await WaitUntilAsync(() => recorder.BatchesFinished.Count >= 2);
        await Task.Delay(500);
        Assert.Equal(2, recorder.BatchesFinished.Count);
        Assert.Equal((2, 0, 0), (recorder.BatchesFinished.Last().Succeeded, recorder.BatchesFinished.Last().Failed, recorder.BatchesFinished.Last().Cancelled));
        Assert.Empty(recorder.JobsFinished); // batch jobs send no message each (nor does the cancelled single job)
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!condition() && DateTime.UtcNow < until) await Task.Delay(50);
        Assert.True(condition(), "the expected notification did not arrive");
    }
}
