using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SonicWeb.Tests.TestSupport;
using static SonicWeb.Tests.Web.Team.BatchTestKit;

namespace SonicWeb.Tests.Web.Team;

/// <summary>
/// Who may call the preset and batch endpoints and pages: anonymous, the batch's owner (an operator),
/// another operator, a reviewer and an admin. Admins manage presets, operators use them, reviewers read
/// batches but submit none, and an operator cannot open another operator's batch by its id.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class TeamAuthorizationTests
{
    private const string Login = "302:/account/login", Denied = "302:/account/denied";

    /// <summary>Method, path (B = the owner's batch, P = a preset id), body kind, then expected status for anonymous, owner, other operator, reviewer, admin (null = not tried).</summary>
    private static readonly (string Method, string Path, string Body, string?[] Expected)[] Table =
    [
        ("GET", "/api/presets", "", ["401", "200", "200", "200", "200"]),
        ("POST", "/api/presets", "json", ["401", "403", "403", "403", "201"]),
        ("PUT", "/api/presets/P", "json", ["401", "403", "403", "403", null]),
        ("DELETE", "/api/presets/P", "", ["401", "403", "403", "403", null]),
        ("GET", "/admin/presets", "", [Login, Denied, Denied, Denied, "200"]),
        ("POST", "/admin/presets", "form", [Login, Denied, Denied, Denied, "400"]), // admin without antiforgery token: refused
        ("POST", "/admin/presets/P/delete", "form", [Login, Denied, Denied, Denied, "400"]),
        ("POST", "/api/batches", "multipart", ["401", "400", "400", "403", "400"]),
        ("GET", "/api/batches/B", "", ["401", "200", "403", "200", "200"]),
        ("GET", "/api/batches/B/zip", "", ["401", "200", "403", "200", "200"]),
        ("GET", "/api/batches/0123456789abcdef01234567", "", ["401", "404", "404", "404", "404"]),
        ("GET", "/batches/B", "", [Login, "200", "403", "200", "200"]),
        ("GET", "/batches/0123456789abcdef01234567", "", [Login, "404", "404", "404", "404"]),
        ("GET", "/batches/new", "", [Login, "200", "200", Denied, "200"]),
    ];

    [Theory]
    [InlineData(TestDatabase.Sqlite)]
    [InlineData(TestDatabase.Postgres)] // the same test on PostgreSQL (docs/deploy.md, "Database")
    public async Task Each_role_gets_the_expected_status_from_every_preset_and_batch_endpoint_and_page(TestDatabase database)
    {
        using var host = new WebTestHost(database: database);
        var (owner, _) = await host.CreateUserAsync("owner@sonicweb.test", "Operator", "Ana");
        var (other, _) = await host.CreateUserAsync("other@sonicweb.test", "Operator", "Bo");
        var (reviewer, _) = await host.CreateUserAsync("reviewer@sonicweb.test", "Reviewer");
        using var anonymous = host.Anonymous();
        var callers = new[] { ("anonymous", anonymous), ("owner", owner), ("other operator", other), ("reviewer", reviewer), ("admin", host.Http) };

        var batch = await SubmitBatchAsync(owner, Form(TestMedia.AstronautPng, [Clip("Hello.", "hello")], null, ("min_resolution", "256"), ("preset", "quick draft 512"), ("name", "ana's batch")));
        var id = batch.GetProperty("id").GetString()!;
        Assert.Equal(256, batch.GetProperty("jobs")[0].GetProperty("parameters").GetProperty("min_resolution").GetInt32()); // operators use presets; fields win
        Assert.Equal(10, batch.GetProperty("jobs")[0].GetProperty("parameters").GetProperty("inference_steps").GetInt32());
        await WaitForBatchAsync(owner, id, TimeSpan.FromSeconds(90));
        var preset = (await host.Http.GetFromJsonAsync<JsonElement>("/api/presets"))[0].GetProperty("id").GetInt32();

        var failures = new List<string>();
        foreach (var (method, template, body, expected) in Table)
            for (int c = 0; c < callers.Length; c++)
            {
                if (expected[c] is not { } want) continue;
                var (who, client) = callers[c];
                using var request = new HttpRequestMessage(new HttpMethod(method), template.Replace("/B", "/" + id).Replace("/P", "/" + preset))
                {
                    Content = body switch
                    {
                        "multipart" => new MultipartFormDataContent { { new StringContent("x"), "name" } },
                        "json" => JsonContent.Create(new { name = "Role check " + who, parameters = new { min_resolution = 512 } }),
                        "form" => new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "Form " + who }),
                        _ => null,
                    },
                };
                using var response = await client.SendAsync(request);
                var got = ((int)response.StatusCode).ToString();
                if (got == "302") got += ":" + response.Headers.Location?.AbsolutePathOrSelf();
                if (got != want) failures.Add($"{who} {method} {template}: expected {want}, got {got}");
            }
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // The other operator sees the batch's jobs in the team history, but neither the batch link nor its videos.
        var history = await other.GetStringAsync("/history");
        Assert.Contains("ana&#x27;s batch", history);
        Assert.DoesNotContain($"href=\"/batches/{id}\"", history);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/api/jobs/{batch.GetProperty("jobs")[0].GetProperty("id").GetString()}/video")).StatusCode);
        foreach (var (_, client) in callers) if (client != anonymous && client != host.Http) client.Dispose();
    }
}
