using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SonicWeb.Tests.TestSupport;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Web;

/// <summary>
/// Who may call what: every endpoint and page for anonymous, the job's owner (an operator), another
/// operator, a reviewer and an admin. One job of the owner's is made first; its id is the only one
/// the others could have "guessed".
/// </summary>
[Collection(WebCollection.Name)]
public sealed class AuthorizationTests
{
    private const string Login = "302:/account/login", Denied = "302:/account/denied";

    /// <summary>Method, path (J = the owner's job), body kind, then expected status for anonymous, owner, other operator, reviewer, admin (null = not tried).</summary>
    private static readonly (string Method, string Path, string Body, string?[] Expected)[] Table =
    [
        ("GET", "/api/jobs", "", ["401", "200", "200", "200", "200"]),
        ("GET", "/api/jobs/J", "", ["401", "200", "403", "200", "200"]),
        ("GET", "/api/jobs/0123456789abcdef01234567", "", ["401", "404", "404", "404", "404"]),
        ("GET", "/api/jobs/J/video", "", ["401", "200", "403", "200", "200"]),
        ("GET", "/api/jobs/J/thumbnail", "", ["401", "200", "403", "200", "200"]),
        ("GET", "/api/jobs/J/preview", "", ["401", "200", "403", "200", "200"]),
        ("POST", "/api/jobs/J/cancel", "", ["401", "409", "403", "403", "409"]),
        ("POST", "/api/jobs/J/retry", "", ["401", "409", "403", "403", "409"]),
        ("POST", "/api/jobs/J/rerun", "", ["401", null, "403", "403", null]),
        ("DELETE", "/api/jobs/J", "", ["401", null, "403", "403", null]),
        ("POST", "/api/jobs/J/review", "review", ["401", "403", "403", "200", "200"]),
        ("POST", "/api/jobs", "multipart", ["401", "400", "400", "403", "400"]),
        ("POST", "/api/sonic/generate", "multipart", ["401", "400", "400", "403", "400"]),
        ("POST", "/api/estimate", "json", ["401", "200", "200", "403", "200"]),
        ("POST", "/hubs/jobs/negotiate?negotiateVersion=1", "", ["401", "200", "200", "200", "200"]),
        ("GET", "/health", "", ["200", "200", "200", "200", "200"]),
        ("GET", "/openapi/v1.json", "", ["200", "200", "200", "200", "200"]),
        ("GET", "/account/login", "", ["200", "200", "200", "200", "200"]),
        ("GET", "/", "", [Login, "200", "200", Denied, "200"]),
        ("GET", "/history", "", [Login, "200", "200", "200", "200"]),
        ("GET", "/jobs/J", "", [Login, "200", "403", "200", "200"]),
        ("GET", "/jobs/0123456789abcdef01234567", "", [Login, "404", "404", "404", "404"]),
        ("GET", "/admin/users", "", [Login, Denied, Denied, Denied, "200"]),
        ("GET", "/admin/notifications", "", [Login, Denied, Denied, Denied, "200"]),
        ("GET", "/admin/backends", "", [Login, Denied, Denied, Denied, "200"]),
        ("GET", "/admin/workers", "", [Login, Denied, Denied, Denied, "200"]),
        ("GET", "/admin/dead-letters", "", [Login, Denied, Denied, Denied, "200"]),
        ("GET", "/admin/storage", "", [Login, Denied, Denied, Denied, "200"]),
        ("GET", "/admin/webhooks", "", [Login, Denied, Denied, Denied, "200"]),
        ("GET", "/admin/presets", "", [Login, Denied, Denied, Denied, "200"]),
        ("GET", "/account/settings", "", [Login, "200", "200", "200", "200"]),
        // Added since the table was first written (issue 12): the other pages, the form posts (no antiforgery token: 400
        // once the role allows them) and the preview confirmation.
        ("GET", "/new", "", [Login, "200", "200", Denied, "200"]),
        ("GET", "/account/denied", "", [Login, "403", "403", "403", "403"]),
        ("GET", "/diagnostics/uploads", "", [Login, Denied, Denied, Denied, "200"]), // admins only; says whether it is turned on
        ("POST", "/api/jobs/J/confirm", "", ["401", "409", "403", "403", "409"]),
        ("POST", "/jobs/J/review", "form", [Login, Denied, Denied, "400", "400"]),
        ("POST", "/account/email-notifications", "form", [Login, "400", "400", "400", "400"]),
        ("POST", "/admin/users", "form", [Login, Denied, Denied, Denied, "400"]),
        ("POST", "/admin/users/U/role", "form", [Login, Denied, Denied, Denied, "400"]),
        // Form posts that read no field: the framework let them through without a token until FormTokenMiddleware.
        ("POST", "/admin/users/U/disable", "form", [Login, Denied, Denied, Denied, "400"]),
        ("POST", "/admin/users/U/enable", "form", [Login, Denied, Denied, Denied, "400"]),
        ("POST", "/admin/notifications/test", "form", [Login, Denied, Denied, Denied, "400"]),
        ("POST", "/admin/presets", "form", [Login, Denied, Denied, Denied, "400"]),
        ("POST", "/admin/presets/1/delete", "form", [Login, Denied, Denied, Denied, "400"]),
        ("POST", "/account/logout", "form", ["400", "400", "400", "400", "400"]), // last: had it worked, the callers would be signed out
    ];

    [Fact]
    public async Task Each_role_gets_the_expected_status_from_every_endpoint_and_page()
    {
        using var host = new WebTestHost();
        var (owner, _) = await host.CreateUserAsync("owner@sonicweb.test", "Operator");
        var (other, _) = await host.CreateUserAsync("other@sonicweb.test", "Operator");
        var (reviewer, _) = await host.CreateUserAsync("reviewer@sonicweb.test", "Reviewer");
        using var anonymous = host.Anonymous();
        var callers = new[] { ("anonymous", anonymous), ("owner", owner), ("other operator", other), ("reviewer", reviewer), ("admin", host.Http) };

        var job = await SubmitAsync(owner, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"));
        var id = job.GetProperty("id").GetString()!;
        await WaitForAsync(owner, id, IsFinished, TimeSpan.FromSeconds(60));

        var failures = new List<string>();
        foreach (var (method, pathTemplate, body, expected) in Table)
            for (int c = 0; c < callers.Length; c++)
            {
                if (expected[c] is not { } want) continue;
                var (who, client) = callers[c];
                using var request = new HttpRequestMessage(new HttpMethod(method), pathTemplate.Replace("/J", "/" + id))
                {
                    Content = body switch
                    {
                        "multipart" => new MultipartFormDataContent { { new StringContent("x"), "name" } },
                        "json" => JsonContent.Create(new { audio_seconds = 3 }),
                        "review" => JsonContent.Create(new { decision = "approved" }),
                        "form" => new FormUrlEncodedContent([new("field", "value")]), // a form post without its antiforgery token
                        _ => null,
                    },
                };
                using var response = await client.SendAsync(request);
                var got = ((int)response.StatusCode).ToString();
                if (got == "302") got += ":" + response.Headers.Location?.AbsolutePathOrSelf();
                if (got != want) failures.Add($"{who} {method} {pathTemplate}: expected {want}, got {got}");
                if (got == "401" && pathTemplate.StartsWith("/api/"))
                {
                    var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
                    if (problem.GetProperty("code").GetString() != "unauthenticated") failures.Add($"{who} {method} {pathTemplate}: 401 without ProblemDetails");
                }
            }
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // The owner may delete their own job; afterwards it is gone for everyone.
        using var deleted = await owner.DeleteAsync($"/api/jobs/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync($"/api/jobs/{id}")).StatusCode);
        foreach (var (_, client) in callers) if (client != anonymous && client != host.Http) client.Dispose();
    }

    [Theory]
    [InlineData(TestDatabase.Sqlite)]
    [InlineData(TestDatabase.Postgres)] // the same test on PostgreSQL (docs/deploy.md, "Database")
    public async Task An_operator_cannot_read_download_cancel_delete_or_watch_another_operators_job(TestDatabase database)
    {
        using var host = new WebTestHost(settings: Paced(), database: database); // the long job must still run while the other operator tries
        var (owner, ownerCookies) = await host.CreateUserAsync("ana@sonicweb.test", "Operator", "Ana");
        var (other, otherCookies) = await host.CreateUserAsync("bo@sonicweb.test", "Operator", "Bo");
        // Queued behind a long job, so it is still cancellable while the other operator tries.
        await SubmitAsync(host.Http, TestMedia.AstronautPng, LongSpeech, ("min_resolution", "384"));
        var id = (await SubmitAsync(owner, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"), ("name", "ana's secret"))).GetProperty("id").GetString()!;

        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/api/jobs/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/api/jobs/{id}/thumbnail")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/api/jobs/{id}/preview")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsync($"/api/jobs/{id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.DeleteAsync($"/api/jobs/{id}")).StatusCode);
        Assert.Equal("Queued", (await GetJobAsync(owner, id)).Status());

        await using (var hub = await JobsHubClient.ConnectAsync(host.BaseAddress, otherCookies))
        {
            var refused = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => hub.JoinAsync(id));
            Assert.Contains("may not watch", refused.Message);
        }
        await using (var hub = await JobsHubClient.ConnectAsync(host.BaseAddress, ownerCookies))
            Assert.Equal(id, (await hub.JoinAsync(id)).GetProperty("id").GetString());

        // Team history: the line is listed, but without the job's details; the page shows no link to it.
        var list = await other.GetFromJsonAsync<JsonElement>("/api/jobs?q=secret", Json);
        var line = list.GetProperty("items")[0];
        Assert.Equal("Ana", line.GetProperty("submitter").GetString());
        Assert.Empty(line.GetProperty("parameters").EnumerateObject());
        var history = await other.GetStringAsync("/history?q=secret");
        Assert.Contains("ana&#x27;s secret", history);
        Assert.DoesNotContain($"/jobs/{id}\"", history);

        // Once finished, the video is the owner's only.
        await WaitForAsync(owner, id, IsFinished, TimeSpan.FromSeconds(90));
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/api/jobs/{id}/video")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/api/jobs/{id}/video?download=1")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/jobs/{id}")).StatusCode);
        owner.Dispose();
        other.Dispose();
    }

    [Fact]
    public async Task A_database_from_before_accounts_gets_the_identity_tables_and_owner_column_at_start()
    {
        string root;
        using (var first = new WebTestHost()) root = first.Root;
        // Make it look like a database written before this change: no AspNet* tables, no Jobs.OwnerId.
        await using (var db = new SqliteConnection($"Data Source={Path.Combine(root, "sonicweb.db")};Pooling=False"))
        {
            await db.OpenAsync();
            var command = db.CreateCommand();
            command.CommandText = "SELECT name FROM sqlite_master WHERE type='table' AND name LIKE 'AspNet%'";
            var tables = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync()) while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
            command.CommandText = "PRAGMA foreign_keys=OFF; DROP INDEX IX_Jobs_OwnerId; ALTER TABLE Jobs DROP COLUMN OwnerId; "
                + string.Concat(tables.Select(t => $"DROP TABLE \"{t}\"; "));
            await command.ExecuteNonQueryAsync();
        }

        using var second = new WebTestHost(root); // signs the admin in: the tables are back and the admin re-created
        Assert.Equal(HttpStatusCode.OK, (await second.Http.GetAsync("/api/jobs")).StatusCode);
        var id = (await SubmitAsync(second.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;
        Assert.NotNull((await GetJobAsync(second.Http, id)).GetProperty("ownerId").GetString());
    }
}

internal static class UriExtensions
{
    public static string AbsolutePathOrSelf(this Uri? uri) => uri is null ? "" : uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString.Split('?')[0];
}
