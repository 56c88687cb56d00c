using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SonicWeb.Tests.TestSupport;
using static SonicWeb.Tests.Web.WebTestKit;
using SonicWeb.Engine.Backends.BuiltIn;

namespace SonicWeb.Tests.Web;

/// <summary>The job lifecycle through the REST API on a real server, real SQLite file and the real engine.</summary>
[Collection(WebCollection.Name)]
public sealed class JobsApiTests : IDisposable
{
    private WebTestHost? _started;

    /// <summary>The test's host, started on first use (on SQLite unless the test runs on PostgreSQL): the whole path, engine included.</summary>
    private WebTestHost Host(TestDatabase database = TestDatabase.Sqlite) => _started ??= new(backend: BuiltInBackend.Name, database: database);

    public void Dispose() => _started?.Dispose();

    [Theory]
    [InlineData(TestDatabase.Sqlite)]
    [InlineData(TestDatabase.Postgres)] // the same test on PostgreSQL (docs/deploy.md, "Database")
    public async Task Submit_reports_progress_then_the_video_downloads_as_a_valid_mp4(TestDatabase database)
    {
        var host = Host(database);
        var audio = ShortSpeech;
        var submitted = await SubmitAsync(host.Http, TestMedia.AstronautPng, audio, ("min_resolution", "256"), ("name", "first video"), ("submitter", "ana"));
        var id = submitted.GetProperty("id").GetString()!;
        Assert.Matches("^[0-9a-f]{24}$", id);
        Assert.Contains(submitted.Status(), new[] { "Queued", "Running" });
        Assert.True(submitted.GetProperty("estimateSeconds").GetDouble() > 0);
        Assert.Equal(256, submitted.GetProperty("width").GetInt32());

        var frames = new List<int>();
        var done = await WaitForAsync(host.Http, id, IsFinished, TimeSpan.FromSeconds(60),
            j => frames.Add(j.GetProperty("framesDone").GetInt32()));
        Assert.Equal("Succeeded", done.Status());
        int total = done.GetProperty("framesTotal").GetInt32();
        Assert.Equal(total, done.GetProperty("framesDone").GetInt32());
        Assert.Equal(frames.OrderBy(f => f), frames); // never goes backwards
        Assert.Equal(1, done.GetProperty("attempts").GetInt32());
        Assert.Equal(WebTestHost.AdminName, done.GetProperty("submitter").GetString()); // the signed-in user, not the form field
        Assert.True(done.GetProperty("generationSeconds").GetDouble() > 0);

        using var download = await host.Http.GetAsync($"/api/jobs/{id}/video?download=1");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("video/mp4", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("first video.mp4", download.Content.Headers.ContentDisposition?.FileNameStar ?? download.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var file = Path.Combine(TestMedia.WorkDir, $"web-{id}.mp4");
        await File.WriteAllBytesAsync(file, await download.Content.ReadAsByteArrayAsync());
        var probe = Probe(file);
        Assert.Equal((256, 256), (probe.Width, probe.Height));
        Assert.Equal("h264,aac", probe.Codecs);
        Assert.InRange(probe.Duration, TestMedia.ProbeDuration(audio) - 0.1, TestMedia.ProbeDuration(audio) + 0.15);

        using var ranged = new HttpRequestMessage(HttpMethod.Get, $"/api/jobs/{id}/video");
        ranged.Headers.Range = new RangeHeaderValue(0, 99);
        using var part = await host.Http.SendAsync(ranged);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(100, (await part.Content.ReadAsByteArrayAsync()).Length);

        using var thumb = await host.Http.GetAsync($"/api/jobs/{id}/thumbnail");
        Assert.Equal("image/jpeg", thumb.Content.Headers.ContentType?.MediaType);

        var list = await host.Http.GetFromJsonAsync<JsonElement>("/api/jobs?status=Succeeded&q=first", Json);
        Assert.Equal(id, list.GetProperty("items")[0].GetProperty("id").GetString());
        Assert.Equal(1, list.GetProperty("total").GetInt32());
        var none = await host.Http.GetFromJsonAsync<JsonElement>("/api/jobs?status=Failed", Json);
        Assert.Equal(0, none.GetProperty("total").GetInt32());

        using var deleted = await host.Http.DeleteAsync($"/api/jobs/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.False(Directory.Exists(Path.Combine(host.Root, "outputs", id)));
        Assert.False(Directory.Exists(Path.Combine(host.Root, "uploads", id)));
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync($"/api/jobs/{id}")).StatusCode);
    }

    [Theory]
    [InlineData(TestDatabase.Sqlite)]
    [InlineData(TestDatabase.Postgres)] // the same test on PostgreSQL (docs/deploy.md, "Database")
    public async Task Queued_and_running_jobs_cancel_and_a_cancelled_job_retries_to_success(TestDatabase database)
    {
        var host = Host(database);
        var running = (await SubmitAsync(host.Http, TestMedia.AstronautPng, LongSpeech, ("min_resolution", "384"))).GetProperty("id").GetString()!;
        var queued = await SubmitAsync(host.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"), ("seed", "7"));
        var queuedId = queued.GetProperty("id").GetString()!;
        Assert.Equal("Queued", queued.Status());
        Assert.Equal(1, queued.GetProperty("queuePosition").GetInt32());

        using (var cancel = await host.Http.PostAsync($"/api/jobs/{queuedId}/cancel", null))
            Assert.Equal("Cancelled", (await cancel.Content.ReadFromJsonAsync<JsonElement>(Json)).Status());

        await WaitForAsync(host.Http, running, j => j.GetProperty("framesDone").GetInt32() > 0, TimeSpan.FromSeconds(30));
        using (var cancel = await host.Http.PostAsync($"/api/jobs/{running}/cancel", null))
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var cancelled = await WaitForAsync(host.Http, running, IsFinished, TimeSpan.FromSeconds(10));
        Assert.Equal("Cancelled", cancelled.Status());
        Assert.True(cancelled.GetProperty("framesDone").GetInt32() < cancelled.GetProperty("framesTotal").GetInt32());
        Assert.False(File.Exists(Path.Combine(host.Root, "outputs", running, "video.mp4")));
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync($"/api/jobs/{running}/video")).StatusCode);

        using (var again = await host.Http.PostAsync($"/api/jobs/{running}/cancel", null))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        }

        using (var retry = await host.Http.PostAsync($"/api/jobs/{queuedId}/retry", null))
            Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var retried = await WaitForAsync(host.Http, queuedId, IsFinished, TimeSpan.FromSeconds(60));
        Assert.Equal("Succeeded", retried.Status());
        Assert.Equal(JsonValueKind.Null, retried.GetProperty("error").ValueKind);
    }

    [Fact]
    public async Task Watchdog_fails_a_job_that_runs_past_its_limit_and_says_so()
    {
        using var host = new WebTestHost(settings: new() { ["Jobs:WatchdogMultiplier"] = "0.01", ["Jobs:WatchdogMinimumSeconds"] = "0.3" }, backend: BuiltInBackend.Name);
        var id = (await SubmitAsync(host.Http, TestMedia.AstronautPng, LongSpeech, ("min_resolution", "384"))).GetProperty("id").GetString()!;
        var job = await WaitForAsync(host.Http, id, IsFinished, TimeSpan.FromSeconds(30));
        Assert.Equal("Failed", job.Status());
        Assert.Equal("watchdog_timeout", job.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("watchdog", job.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Compatibility_endpoint_waits_for_the_result_and_identical_requests_reuse_it()
    {
        var audio = ShortSpeech;
        MultipartFormDataContent Request() => Form(TestMedia.AstronautPng, audio, ("config", "{\"min_resolution\": 256, \"seed\": 42, \"dynamic_scale\": 1.1}"));

        using var quick = await Host().Http.PostAsync("/api/sonic/generate?wait=0", Request());
        Assert.Equal(HttpStatusCode.Accepted, quick.StatusCode);
        var pending = await quick.Content.ReadFromJsonAsync<JsonElement>();
        var firstId = pending.GetProperty("task_id").GetString()!;
        Assert.Equal($"/api/jobs/{firstId}", pending.GetProperty("status_url").GetString());
        Assert.Equal($"/api/jobs/{firstId}", quick.Headers.Location?.ToString());
        await WaitForAsync(Host().Http, firstId, IsFinished, TimeSpan.FromSeconds(60));

        // Same photo, audio and parameters (fixed seed): the finished output is reused at once.
        using var waited = await Host().Http.PostAsync("/api/sonic/generate?wait=60", Request());
        var result = await waited.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, waited.StatusCode);
        Assert.True(result.GetProperty("success").GetBoolean());
        var id = result.GetProperty("task_id").GetString()!;
        Assert.NotEqual(firstId, id);
        Assert.StartsWith(Host().BaseAddress + "api/links/", result.GetProperty("video_url").GetString()); // absolute and signed (issue 16)
        Assert.True(File.Exists(Path.Combine(Host().Root, result.GetProperty("output_path").GetString()!))); // relative to the storage root (issue 16)
        Assert.Equal(firstId, (await GetJobAsync(Host().Http, id)).GetProperty("reusedFrom").GetString());

        // A different seed is new work; ?wait long enough returns the finished result.
        using var fresh = await Host().Http.PostAsync("/api/sonic/generate?wait=60",
            Form(TestMedia.AstronautPng, audio, ("config", "{\"min_resolution\": 256, \"seed\": 43}")));
        var freshResult = await fresh.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.True(freshResult.GetProperty("success").GetBoolean());
        Assert.Equal(JsonValueKind.Null, (await GetJobAsync(Host().Http, freshResult.GetProperty("task_id").GetString()!)).GetProperty("reusedFrom").ValueKind);
    }

    [Fact]
    public async Task Estimate_grows_with_resolution_and_audio_length()
    {
        async Task<double> Estimate(object body)
        {
            using var response = await Host().Http.PostAsJsonAsync("/api/estimate", body);
            var json = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(response.IsSuccessStatusCode, json.ToString());
            return json.GetProperty("estimateSeconds").GetDouble();
        }
        double small = await Estimate(new { audio_seconds = 10, min_resolution = 512 });
        double large = await Estimate(new { audio_seconds = 10, min_resolution = 1024 });
        double longer = await Estimate(new { audio_seconds = 30, min_resolution = 512 });
        Assert.True(small > 0);
        Assert.True(large > small);
        Assert.True(longer > small);

        using var bad = await Host().Http.PostAsJsonAsync("/api/estimate", new { audio_seconds = 10, min_resolution = 99999 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Health_checks_database_ffmpeg_models_and_disk_and_openapi_lists_the_endpoints()
    {
        var health = await Host().Http.GetFromJsonAsync<JsonElement>("/health");
        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        foreach (var check in new[] { "database", "ffmpeg", "models", "disk" })
            Assert.Equal("Healthy", health.GetProperty("checks").GetProperty(check).GetProperty("status").GetString());

        var openApi = await Host().Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = openApi.GetProperty("paths");
        foreach (var path in new[] { "/api/jobs", "/api/jobs/{id}", "/api/jobs/{id}/cancel", "/api/jobs/{id}/retry", "/api/jobs/{id}/video", "/api/jobs/{id}/preview", "/api/estimate", "/api/sonic/generate" })
            Assert.True(paths.TryGetProperty(path, out _), $"OpenAPI lacks {path}");
    }
}
