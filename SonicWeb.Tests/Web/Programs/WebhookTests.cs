using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SonicWeb.Tests.TestSupport;
using SonicWeb.Webhooks;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Web.Programs;

/// <summary>Webhooks to a real receiver on loopback (allowed by configuration, as an installation would allow its own network).</summary>
[Collection(WebCollection.Name)]
public sealed class WebhookTests
{
    private static Dictionary<string, string> AllowLoopback(Dictionary<string, string>? more = null) =>
        new(more ?? []) { ["Webhooks:AllowedTargets:0"] = "127.0.0.0/8", ["Webhooks:RetryInitialSeconds"] = "0.5", ["Webhooks:RetryMaxSeconds"] = "1" };

    /// <summary>Checks the call as a receiver would: the signature over "timestamp.body" with the shared secret, and a fresh timestamp.</summary>
    private static JsonElement Verified(WebTestHost host, ReceivedCall call, string expectedEvent)
    {
        var secret = host.Services.GetRequiredService<WebhookSigning>().Secret;
        var timestamp = call.Headers[WebhookSigning.TimestampHeader];
        var signature = call.Headers[WebhookSigning.SignatureHeader];
        Assert.StartsWith("sha256=", signature);
        Assert.True(WebhookSigning.Verify(secret, timestamp, call.Body, signature, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)), "signature");
        // What a receiver must refuse: a changed body, a wrong secret, and the same call replayed after its window.
        Assert.False(WebhookSigning.Verify(secret, timestamp, call.Body.Replace("job.", "JOB."), signature, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSigning.Verify(secret + "x", timestamp, call.Body, signature, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSigning.Verify(secret, timestamp, call.Body, signature, DateTimeOffset.UtcNow.AddMinutes(6), TimeSpan.FromMinutes(5)));
        Assert.Equal(expectedEvent, call.Headers[WebhookSigning.EventHeader]);
        var body = JsonDocument.Parse(call.Body).RootElement.Clone();
        Assert.Equal(expectedEvent, body.GetProperty("event").GetString());
        return body;
    }

    [Fact]
    public async Task The_api_keys_default_receiver_gets_a_signed_call_when_the_job_succeeds()
    {
        using var receiver = new WebhookReceiver();
        using var host = new WebTestHost(settings: AllowLoopback());
        var (program, _, _) = await ProgramKit.ApiKeyClientAsync(host);
        using (var set = await program.PutAsJsonAsync("/api/keys/current/callback", new { callback_url = receiver.Url }))
            Assert.Equal(receiver.Url, (await set.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("callback_url").GetString());

        var id = (await SubmitAsync(program, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;
        var body = Verified(host, await receiver.NextAsync(TimeSpan.FromSeconds(60)), "job.succeeded");
        Assert.Equal(id, body.GetProperty("task_id").GetString());
        Assert.True(body.GetProperty("success").GetBoolean());
        Assert.Equal("Succeeded", body.GetProperty("job").GetProperty("status").GetString());
        // The call carries a signed link that works on its own, on the public address (outside a request:
        // Links:PublicBaseUrl, else Email:PublicBaseUrl, whose default is http://localhost:5000).
        var videoUrl = new Uri(body.GetProperty("video_url").GetString()!);
        Assert.Equal("http://localhost:5000/", videoUrl.GetLeftPart(UriPartial.Authority) + "/");
        using (var nobody = new HttpClient())
        using (var video = await nobody.GetAsync(new Uri(host.BaseAddress, videoUrl.PathAndQuery)))
            Assert.Equal("video/mp4", video.Content.Headers.ContentType?.MediaType);

        var attempts = await program.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}/webhooks", Json);
        Assert.Equal("Sent", await WaitForDeliveryAsync(program, id, "Sent"));
        Assert.Equal(receiver.Url, attempts[0].GetProperty("target").GetString());
    }

    [Fact]
    public async Task A_failed_job_calls_its_callback_url_with_the_error()
    {
        using var receiver = new WebhookReceiver();
        using var host = new WebTestHost(settings: AllowLoopback(Paced(new() { ["Jobs:WatchdogMultiplier"] = "0.01", ["Jobs:WatchdogMinimumSeconds"] = "0.3" })));
        var id = (await SubmitAsync(host.Http, TestMedia.AstronautPng, LongSpeech, ("min_resolution", "256"), ("callback_url", receiver.Url)))
            .GetProperty("id").GetString()!;
        var body = Verified(host, await receiver.NextAsync(TimeSpan.FromSeconds(60)), "job.failed");
        Assert.Equal(id, body.GetProperty("task_id").GetString());
        Assert.False(body.GetProperty("success").GetBoolean());
        Assert.Equal("watchdog_timeout", body.GetProperty("error_code").GetString());
        Assert.Contains("watchdog", body.GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("video_url").ValueKind);
    }

    [Fact]
    public async Task A_receiver_that_is_down_gets_the_call_after_it_comes_back_and_the_attempts_are_visible()
    {
        using var receiver = new WebhookReceiver(start: false);
        using var host = new WebTestHost(settings: AllowLoopback());
        var id = (await SubmitAsync(host.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"),
            ("config", $"{{\"callback_url\": \"{receiver.Url}\"}}"))).GetProperty("id").GetString()!; // in the config JSON this time
        await WaitForAsync(host.Http, id, IsFinished, TimeSpan.FromSeconds(60));

        // Down: attempts fail (connection refused) and are kept, with the error and the next try.
        var failing = await WaitForAttemptsAsync(host.Http, id, a => a.GetProperty("attempts").GetInt32() >= 2);
        Assert.Equal("Pending", failing.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(failing.GetProperty("lastError").GetString()));
        var adminPage = await host.Http.GetStringAsync("/admin/webhooks");
        Assert.Contains(id, adminPage);
        Assert.Contains("waiting", adminPage);

        receiver.Start();
        var body = Verified(host, await receiver.NextAsync(TimeSpan.FromSeconds(30)), "job.succeeded");
        Assert.Equal(id, body.GetProperty("task_id").GetString());
        var sent = await WaitForAttemptsAsync(host.Http, id, a => a.GetProperty("status").GetString() == "Sent");
        Assert.True(sent.GetProperty("attempts").GetInt32() >= 3);
        Assert.Equal(JsonValueKind.Null, sent.GetProperty("lastError").ValueKind);
    }

    [Fact]
    public async Task A_call_lost_when_the_app_died_after_the_jobs_end_is_made_at_the_next_start()
    {
        using var receiver = new WebhookReceiver();
        var root = Directory.CreateTempSubdirectory("sonicweb-web-").FullName;
        string id;
        using (var host = new WebTestHost(root, settings: AllowLoopback()))
        {
            id = (await SubmitAsync(host.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"), ("callback_url", receiver.Url)))
                .GetProperty("id").GetString()!;
            Assert.Equal(id, Verified(host, await receiver.NextAsync(TimeSpan.FromSeconds(60)), "job.succeeded").GetProperty("task_id").GetString());
            await WaitForDeliveryAsync(host.Http, id, "Sent");
        }
        // The state a SIGKILL between the job's committed end and its finish handlers leaves: the job Succeeded,
        // its email row (the earlier handler) written, no webhook row.
        Assert.Equal(1, Sql(root, $"DELETE FROM NotificationDeliveries WHERE JobId = '{id}' AND Channel = {(int)Notifications.NotificationChannel.Webhook}"));
        var emailRows = Sql(root, $"SELECT COUNT(*) FROM NotificationDeliveries WHERE JobId = '{id}'", scalar: true);

        using (var restarted = new WebTestHost(root, settings: AllowLoopback()))
        {
            var body = Verified(restarted, await receiver.NextAsync(TimeSpan.FromSeconds(60)), "job.succeeded");
            Assert.Equal(id, body.GetProperty("task_id").GetString());
            Assert.Equal("Succeeded", body.GetProperty("job").GetProperty("status").GetString());
            Assert.Equal("Sent", await WaitForDeliveryAsync(restarted.Http, id, "Sent"));

            // The pass itself, run again: nothing is missing any more, so nothing is sent twice; the email was not repeated.
            var pass = restarted.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<Notifications.MissedFinishNotices>().Single();
            Assert.Equal((0, 0, 0), await pass.CatchUpAsync(CancellationToken.None));
            Assert.Equal(1, (await restarted.Http.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}/webhooks", Json)).GetArrayLength());
            Assert.Equal(emailRows + 1, Sql(root, $"SELECT COUNT(*) FROM NotificationDeliveries WHERE JobId = '{id}'", scalar: true));
            await Task.Delay(500);
            Assert.False(receiver.TryTake(out _), "the receiver was called twice");
        }
    }

    private static int Sql(string root, string sql, bool scalar = false)
    {
        using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(root, "sonicweb.db")};Pooling=False");
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return scalar ? Convert.ToInt32(command.ExecuteScalar()) : command.ExecuteNonQuery();
    }

    [Fact]
    public async Task Private_and_loopback_targets_are_refused_unless_allowed()
    {
        using var host = new WebTestHost();
        var (program, _, _) = await ProgramKit.ApiKeyClientAsync(host);
        foreach (var target in new[] { "http://10.1.2.3/hook", "http://127.0.0.1:9/hook", "http://[::1]:9/hook", "http://169.254.169.254/latest" })
        {
            using var response = await program.PostAsync("/api/jobs", Form(TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"), ("callback_url", target)));
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("callback_refused", problem.GetProperty("code").GetString());
            Assert.Contains("Webhooks:AllowedTargets", problem.GetProperty("detail").GetString());
        }
        using (var compat = await program.PostAsync("/api/sonic/generate", Form(TestMedia.AstronautPng, ShortSpeech, ("config", "{\"callback_url\": \"http://192.168.1.5/x\"}"))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, compat.StatusCode);
            Assert.Contains("192.168.1.5", (await compat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        }
        using (var key = await program.PutAsJsonAsync("/api/keys/current/callback", new { callback_url = "http://172.16.0.1/hook" }))
            Assert.Equal(HttpStatusCode.BadRequest, key.StatusCode);
        using (var bad = await program.PostAsync("/api/jobs", Form(TestMedia.AstronautPng, ShortSpeech, ("callback_url", "ftp://example.com/x"))))
            Assert.Contains("http", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(0, (await program.GetFromJsonAsync<JsonElement>("/api/jobs", Json)).GetProperty("total").GetInt32()); // nothing was queued
    }

    /// <summary>What the settings page does for a signed-in user (same service): set a key's webhook by the key's id; only its owner may.</summary>
    [Fact]
    public async Task A_keys_webhook_is_set_by_its_owner_with_the_keys_id_and_used_for_the_jobs_that_key_submits()
    {
        using var receiver = new WebhookReceiver();
        using var host = new WebTestHost(settings: AllowLoopback());
        var (owner, _) = await host.CreateUserAsync("owner@sonicweb.test", "Operator");
        var (stranger, _) = await host.CreateUserAsync("stranger@sonicweb.test", "Operator");
        string key, keyId;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<SonicWeb.Accounts.SonicUser>>();
            var user = await users.FindByEmailAsync("owner@sonicweb.test");
            var (record, secret) = await scope.ServiceProvider.GetRequiredService<SonicWeb.Accounts.ApiKeyService>().CreateAsync(user!.Id, "shop");
            (key, keyId) = (secret, record.Id);
        }

        using (var foreign = await stranger.PutAsJsonAsync($"/api/keys/{keyId}/callback", new { callback_url = receiver.Url }))
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        using (var current = await owner.PutAsJsonAsync("/api/keys/current/callback", new { callback_url = receiver.Url }))
            Assert.Contains("not made with an API key", (await current.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        using (var set = await owner.PutAsJsonAsync($"/api/keys/{keyId}/callback", new { callback_url = receiver.Url }))
            Assert.Equal(receiver.Url, (await set.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("callback_url").GetString());

        using var program = host.Anonymous();
        program.DefaultRequestHeaders.Add(SonicWeb.Accounts.ApiKeyService.Header, key);
        var id = (await SubmitAsync(program, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;
        Assert.Equal(id, Verified(host, await receiver.NextAsync(TimeSpan.FromSeconds(60)), "job.succeeded").GetProperty("task_id").GetString());

        using (var clear = await owner.PutAsJsonAsync($"/api/keys/{keyId}/callback", new { callback_url = (string?)null }))
            Assert.Equal(JsonValueKind.Null, (await clear.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("callback_url").ValueKind);
        var quiet = (await SubmitAsync(program, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"), ("seed", "5"))).GetProperty("id").GetString()!;
        await WaitForAsync(program, quiet, IsFinished, TimeSpan.FromSeconds(60));
        Assert.Equal(0, (await program.GetFromJsonAsync<JsonElement>($"/api/jobs/{quiet}/webhooks", Json)).GetArrayLength());
    }

    private static async Task<string> WaitForDeliveryAsync(HttpClient http, string id, string status) =>
        (await WaitForAttemptsAsync(http, id, a => a.GetProperty("status").GetString() == status)).GetProperty("status").GetString()!;

    private static async Task<JsonElement> WaitForAttemptsAsync(HttpClient http, string id, Func<JsonElement, bool> done)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var rows = await http.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}/webhooks", Json);
            if (rows.GetArrayLength() > 0 && done(rows[0])) return rows[0];
            if (DateTime.UtcNow > until) throw new TimeoutException($"webhook of job {id}: {rows}");
            await Task.Delay(100);
        }
    }
}
