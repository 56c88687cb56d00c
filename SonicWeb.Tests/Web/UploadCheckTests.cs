using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SonicWeb.Data;
using SonicWeb.Api;
using SonicWeb.Engine.Media;
using SonicWeb.Jobs.Submission;
using SonicWeb.Tests.TestSupport;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Web;

/// <summary>
/// Uploads accepted while the server is busy: the job is created as Checking and the background checker
/// moves it to Queued (or AwaitingConfirmation) or to Failed with the engine's code. "Busy" is made real
/// by holding every slot of the admission gate, with Uploads:SyncCheckBudgetMs = 0 so a request never waits.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class UploadCheckTests
{
    private static readonly Dictionary<string, string> Busy = new() { ["Uploads:SyncCheckBudgetMs"] = "0" };

    internal static string GrayPhoto => TestMedia.Convert(TestMedia.AstronautPng, "web-gray.png", "-vf", "drawbox=x=0:y=0:w=iw:h=ih:color=gray:t=fill");

    /// <summary>Takes every check slot, as a burst of uploads would; dispose to free them.</summary>
    internal static async Task<IDisposable> ExhaustGateAsync(WebTestHost host)
    {
        var admission = host.Services.GetRequiredService<UploadAdmission>();
        var held = new List<IDisposable>();
        for (int i = 0; i < admission.Slots; i++) held.Add(await admission.WaitForSlotAsync(CancellationToken.None));
        return new Releaser(held);
    }

    private sealed class Releaser(List<IDisposable> held) : IDisposable
    {
        public void Dispose() { foreach (var h in held) h.Dispose(); }
    }

    private static async Task<JsonElement> SubmitCheckingAsync(WebTestHost host, string image, string audio, params (string, string)[] fields)
    {
        var job = await SubmitAsync(host.Http, image, audio, fields);
        Assert.Equal("Checking", job.Status());
        Assert.Equal(JsonValueKind.Null, job.GetProperty("queuePosition").ValueKind);
        return job;
    }

    [Fact]
    public async Task A_photo_without_a_face_under_an_exhausted_gate_fails_with_no_face_in_the_background()
    {
        using var host = new WebTestHost(settings: Busy);
        string id;
        using (await ExhaustGateAsync(host))
        {
            id = (await SubmitCheckingAsync(host, GrayPhoto, ShortSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;
            Assert.True(File.Exists(Path.Combine(host.Root, "uploads", id, PendingCheck.FileName)));
            await Task.Delay(300);
            Assert.Equal("Checking", (await GetJobAsync(host.Http, id)).Status()); // no slot: nothing checked it yet
        }

        var failed = await WaitForAsync(host.Http, id, IsFinished, TimeSpan.FromSeconds(60));
        Assert.Equal("Failed", failed.Status());
        var error = failed.GetProperty("error");
        Assert.Equal("no_face", error.GetProperty("code").GetString());
        Assert.Contains("face", error.GetProperty("message").GetString()!, StringComparison.OrdinalIgnoreCase);
        Assert.True(File.Exists(Path.Combine(host.Root, "uploads", id, PendingCheck.FileName))); // kept: it never passed its check

        // A retry checks it again (it is never queued for rendering) and it fails the same way.
        using (var retry = await host.Http.PostAsync($"/api/jobs/{id}/retry", null))
        {
            Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
            Assert.Equal("Checking", JsonDocument.Parse(await retry.Content.ReadAsStringAsync()).RootElement.Status());
        }
        var seen = new HashSet<string>();
        var again = await WaitForAsync(host.Http, id, IsFinished, TimeSpan.FromSeconds(60), j => seen.Add(j.Status()));
        Assert.Equal("Failed", again.Status());
        Assert.Equal("no_face", again.GetProperty("error").GetProperty("code").GetString());
        Assert.DoesNotContain("Queued", seen);
        Assert.DoesNotContain("Running", seen);
        Assert.Equal(0, again.GetProperty("attempts").GetInt32());

        // The same photo on a quiet server: the request itself answers 422 with the same message.
        using var response = await host.Http.PostAsync("/api/jobs", Form(GrayPhoto, ShortSpeech, ("min_resolution", "256")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(error.GetProperty("message").GetString(), problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData(TestDatabase.Sqlite)]
    [InlineData(TestDatabase.Postgres)] // the same test on PostgreSQL (docs/deploy.md, "Database")
    public async Task A_good_upload_checked_in_the_background_is_queued_and_renders(TestDatabase database)
    {
        using var host = new WebTestHost(settings: Busy, database: database);
        string id;
        using (await ExhaustGateAsync(host))
            id = (await SubmitCheckingAsync(host, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;

        var seen = new HashSet<string>();
        var done = await WaitForAsync(host.Http, id, IsFinished, TimeSpan.FromSeconds(90), j => seen.Add(j.Status()));
        Assert.Equal("Succeeded", done.Status());
        Assert.Equal(256, done.GetProperty("width").GetInt32());
        Assert.True(done.GetProperty("framesTotal").GetInt32() > 25, done.ToString());
        Assert.True(done.GetProperty("audioSeconds").GetDouble() > 1, done.ToString());
        Assert.Equal(256, Probe(Path.Combine(host.Root, "outputs", id, "video.mp4")).Width);
    }

    [Fact]
    public async Task A_background_check_hashes_the_files_and_reuses_an_identical_finished_output()
    {
        using var host = new WebTestHost(settings: Busy);
        var first = await SubmitAsync(host.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"), ("seed", "7"));
        Assert.NotEqual("Checking", first.Status()); // a quiet server checks in the request (it may already run)
        var firstId = first.GetProperty("id").GetString()!;
        Assert.Equal("Succeeded", (await WaitForAsync(host.Http, firstId, IsFinished, TimeSpan.FromSeconds(90))).Status());

        string id;
        using (await ExhaustGateAsync(host))
        {
            id = (await SubmitCheckingAsync(host, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"), ("seed", "7"))).GetProperty("id").GetString()!;
            var received = await RowAsync(host, id);
            Assert.Equal("", received.ImageSha256); // nothing hashed while the upload was received
            Assert.Equal("", received.InputHash);
        }

        var done = await WaitForAsync(host.Http, id, IsFinished, TimeSpan.FromSeconds(60));
        Assert.Equal("Succeeded", done.Status());
        Assert.Equal(firstId, done.GetProperty("reusedFrom").GetString());
        var row = await RowAsync(host, id);
        var source = await RowAsync(host, firstId);
        Assert.Equal(Sha256Of(TestMedia.AstronautPng), row.ImageSha256);
        Assert.Equal(Sha256Of(ShortSpeech), row.AudioSha256);
        Assert.Equal(source.InputHash, row.InputHash);
        var video = Probe(Path.Combine(host.Root, "outputs", id, "video.mp4"));
        Assert.Equal(Probe(Path.Combine(host.Root, "outputs", firstId, "video.mp4")), video);
        Assert.False(File.Exists(Path.Combine(host.Root, "uploads", id, PendingCheck.FileName)));
    }

    private static async Task<Job> RowAsync(WebTestHost host, string id)
    {
        var factory = host.Services.GetRequiredService<IDbContextFactory<SonicDbContext>>();
        await using var context = await factory.CreateDbContextAsync();
        return await context.Jobs.AsNoTracking().SingleAsync(j => j.Id == id);
    }

    private static string Sha256Of(string path) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public async Task A_checking_job_can_be_cancelled_and_its_check_never_queues_it()
    {
        using var host = new WebTestHost(settings: Busy);
        var admission = host.Services.GetRequiredService<UploadAdmission>();
        string id;
        using (await ExhaustGateAsync(host))
        {
            id = (await SubmitCheckingAsync(host, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;
            using var cancel = await host.Http.PostAsync($"/api/jobs/{id}/cancel", null);
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
            Assert.Equal("Cancelled", JsonDocument.Parse(await cancel.Content.ReadAsStringAsync()).RootElement.Status());
        }
        // The checker takes the job off its queue without checking it; give it the time a check would need.
        var until = DateTime.UtcNow.AddSeconds(10);
        while (admission.ChecksWaiting > 0 && DateTime.UtcNow < until) await Task.Delay(50);
        await Task.Delay(1500);
        var job = await GetJobAsync(host.Http, id);
        Assert.Equal("Cancelled", job.Status());
        Assert.Equal(0, admission.ChecksWaiting);
        Assert.False(Directory.Exists(Path.Combine(host.Root, "outputs", id)));
    }

    [Fact]
    public async Task Jobs_still_checking_when_the_app_stops_are_checked_after_restart()
    {
        string root, noFace, previewFirst;
        using (var first = new WebTestHost(settings: Busy))
        {
            root = first.Root;
            using var held = await ExhaustGateAsync(first);
            noFace = (await SubmitCheckingAsync(first, GrayPhoto, ShortSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;
            previewFirst = (await SubmitCheckingAsync(first, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"), ("preview_first", "true")))
                .GetProperty("id").GetString()!;
        } // stopped with both still Checking

        using var second = new WebTestHost(root, Busy);
        var failed = await WaitForAsync(second.Http, noFace, IsFinished, TimeSpan.FromSeconds(60));
        Assert.Equal("no_face", failed.GetProperty("error").GetProperty("code").GetString());
        var awaiting = await WaitForAsync(second.Http, previewFirst, j => j.Status() != "Checking", TimeSpan.FromSeconds(60));
        Assert.Equal("AwaitingConfirmation", awaiting.Status()); // "preview first" survived the restart
        using var preview = await second.Http.GetAsync($"/api/jobs/{previewFirst}/preview");
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Equal("image/jpeg", preview.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Header_checks_still_refuse_in_the_request_when_the_gate_is_exhausted()
    {
        var settings = new Dictionary<string, string>(Busy) { ["Engine:Limits:MaxAudioSeconds"] = "1", ["Engine:Limits:MaxImageSide"] = "300" };
        using var host = new WebTestHost(settings: settings);
        using var held = await ExhaustGateAsync(host);

        using var tooLarge = await host.Http.PostAsync("/api/jobs", Form(TestMedia.AstronautPng, ShortSpeech));
        var body = await tooLarge.Content.ReadAsStringAsync();
        Assert.True(tooLarge.StatusCode == HttpStatusCode.UnprocessableEntity, body);
        Assert.Equal("image_too_large", JsonDocument.Parse(body).RootElement.GetProperty("code").GetString()); // 512 px > 300

        var small = TestMedia.Convert(TestMedia.AstronautPng, "web-256.png", "-vf", "scale=256:256");
        using var longAudio = await host.Http.PostAsync("/api/jobs", Form(small, ShortSpeech));
        body = await longAudio.Content.ReadAsStringAsync();
        Assert.True(longAudio.StatusCode == HttpStatusCode.UnprocessableEntity, body);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("audio_too_long", problem.GetProperty("code").GetString());
        Assert.Contains("(Engine:Limits:MaxAudioSeconds)", problem.GetProperty("detail").GetString());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(host.Root, "uploads")));
    }

    [Theory]
    [InlineData(16000, 1, 64000, 2.0)]     // 2 s mono 16 kHz 16-bit: 32,000 B/s
    [InlineData(48000, 2, 96000, 0.5)]     // 0.5 s stereo 48 kHz 16-bit: 192,000 B/s
    public void Wav_length_is_read_from_the_header(int rate, int channels, int dataBytes, double expected)
    {
        var head = new MemoryStream();
        var w = new BinaryWriter(head);
        w.Write("RIFF"u8); w.Write(36 + dataBytes); w.Write("WAVE"u8);
        w.Write("LIST"u8); w.Write(3); w.Write(new byte[4]); // an odd-sized chunk before "fmt " (padded to 4)
        w.Write("fmt "u8); w.Write(16); w.Write((short)1); w.Write((short)channels); w.Write(rate); w.Write(rate * channels * 2);
        w.Write((short)(channels * 2)); w.Write((short)16);
        w.Write("data"u8); w.Write(dataBytes);
        long headerBytes = head.Length;
        Assert.Equal(expected, HeaderChecks.WavSeconds(head.ToArray(), headerBytes + dataBytes)!.Value, 6);
        // A header that claims more than the file holds is measured by the file.
        Assert.Equal(expected / 2, HeaderChecks.WavSeconds(head.ToArray(), headerBytes + dataBytes / 2)!.Value, 6);
        Assert.Null(HeaderChecks.WavSeconds("not a wav file at all"u8, 100));
    }
}
