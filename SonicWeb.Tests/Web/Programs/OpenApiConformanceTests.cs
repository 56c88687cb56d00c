using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SonicWeb.Tests.TestSupport;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Web.Programs;

/// <summary>
/// The served OpenAPI document against the running app: every documented operation is called and gives a
/// documented status whose body validates against the documented schema (<see cref="DocumentedApi"/>), a
/// real webhook call validates against the document's webhook, the examples fit their schemas, and every
/// /api route the app has is in the document (so nothing a program can call is missing from a generated client).
/// </summary>
[Collection(WebCollection.Name)]
public sealed class OpenApiConformanceTests
{
    private static readonly HttpMethod Get = HttpMethod.Get, Post = HttpMethod.Post, Put = HttpMethod.Put, Delete = HttpMethod.Delete;

    [Fact]
    public async Task Every_documented_operation_answers_as_the_openapi_document_says()
    {
        using var receiver = new WebhookReceiver();
        using var host = new WebTestHost(settings: new() { ["Webhooks:AllowedTargets:0"] = "127.0.0.0/8" });
        var (program, _, _) = await ProgramKit.ApiKeyClientAsync(host);
        var (reviewer, _) = await host.CreateUserAsync("reviewer@sonicweb.test", "Reviewer");
        var admin = host.Http;
        using var anonymous = host.Anonymous();
        var api = await DocumentedApi.LoadAsync(anonymous);

        // Jobs: submit (with a webhook), refusals, list, one job, its files and webhook calls.
        var submitted = await api.CheckAsync(program, Post, "/api/jobs", "/api/jobs",
            Form(TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"), ("callback_url", receiver.Url)), 202);
        var id = submitted!.Value.GetProperty("id").GetString()!;
        await api.CheckAsync(program, Post, "/api/jobs", "/api/jobs", Form(TestMedia.AstronautPng, null), 400);
        await api.CheckAsync(anonymous, Post, "/api/jobs", "/api/jobs", Form(TestMedia.AstronautPng, ShortSpeech), 401);
        await WaitForAsync(program, id, IsFinished, TimeSpan.FromSeconds(60));
        var webhook = await receiver.NextAsync(TimeSpan.FromSeconds(30));
        var webhookSchema = api.Document.GetProperty("webhooks").GetProperty("job-finished").GetProperty("post")
            .GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        api.AssertFits(webhookSchema, JsonDocument.Parse(webhook.Body).RootElement, "the webhook call");

        await api.CheckAsync(program, Get, "/api/jobs", "/api/jobs?pageSize=5", null, 200);
        await api.CheckAsync(program, Get, "/api/jobs", "/api/jobs?status=Nope", null, 400);
        var job = await api.CheckAsync(program, Get, "/api/jobs/{id}", $"/api/jobs/{id}", null, 200);
        await api.CheckAsync(program, Get, "/api/jobs/{id}", "/api/jobs/0123456789abcdef01234567", null, 404);
        await api.CheckAsync(program, Get, "/api/jobs/zip", $"/api/jobs/zip?ids={id}", null, 200);
        await api.CheckAsync(program, Get, "/api/jobs/zip", "/api/jobs/zip", null, 400);
        await api.CheckAsync(program, Get, "/api/jobs/{id}/video", $"/api/jobs/{id}/video", null, 200);
        await api.CheckAsync(program, Get, "/api/jobs/{id}/thumbnail", $"/api/jobs/{id}/thumbnail", null, 200);
        await api.CheckAsync(program, Get, "/api/jobs/{id}/preview", $"/api/jobs/{id}/preview", null, 200);
        await api.CheckAsync(program, Get, "/api/jobs/{id}/webhooks", $"/api/jobs/{id}/webhooks", null, 200);

        // The job's life: cancel while it waits for its preview's confirmation, retry, confirm another, re-run, review.
        var waiting = await SubmitPreviewFirstAsync(program, seed: 11);
        await api.CheckAsync(program, Post, "/api/jobs/{id}/cancel", $"/api/jobs/{waiting}/cancel", null, 200);
        await api.CheckAsync(program, Post, "/api/jobs/{id}/cancel", $"/api/jobs/{waiting}/cancel", null, 409);
        await api.CheckAsync(program, Post, "/api/jobs/{id}/retry", $"/api/jobs/{waiting}/retry", null, 200);
        await api.CheckAsync(program, Post, "/api/jobs/{id}/retry", $"/api/jobs/{id}/retry", null, 409);
        var confirmable = await SubmitPreviewFirstAsync(program, seed: 12);
        await api.CheckAsync(program, Post, "/api/jobs/{id}/confirm", $"/api/jobs/{confirmable}/confirm", null, 200);
        await api.CheckAsync(program, Post, "/api/jobs/{id}/confirm", $"/api/jobs/{confirmable}/confirm", null, 409);
        var rerun = await api.CheckAsync(program, Post, "/api/jobs/{id}/rerun", $"/api/jobs/{id}/rerun", null, 202);
        await api.CheckAsync(program, Post, "/api/jobs/{id}/review", $"/api/jobs/{id}/review", JsonContent.Create(new { decision = "approved" }), 403);
        await api.CheckAsync(reviewer, Post, "/api/jobs/{id}/review", $"/api/jobs/{id}/review", JsonContent.Create(new { decision = "changes_requested", comment = "Later start." }), 200);
        await api.CheckAsync(reviewer, Post, "/api/jobs/{id}/review", $"/api/jobs/{id}/review", JsonContent.Create(new { decision = "changes_requested" }), 400);
        foreach (var other in new[] { waiting, confirmable, rerun!.Value.GetProperty("id").GetString()! })
            await WaitForAsync(program, other, IsFinished, TimeSpan.FromSeconds(60));

        // Webhook default of the key, estimate, the old service's call.
        await api.CheckAsync(program, Put, "/api/keys/{keyId}/callback", "/api/keys/current/callback", JsonContent.Create(new { callback_url = "http://127.0.0.1:9/x" }), 200);
        await api.CheckAsync(program, Put, "/api/keys/{keyId}/callback", "/api/keys/current/callback", JsonContent.Create(new { callback_url = "http://10.0.0.1/x" }), 400);
        await api.CheckAsync(program, Put, "/api/keys/{keyId}/callback", "/api/keys/nokey/callback", JsonContent.Create(new { callback_url = (string?)null }), 404);
        await api.CheckAsync(program, Post, "/api/estimate", "/api/estimate", JsonContent.Create(new { audio_seconds = 10, min_resolution = 512 }), 200);
        await api.CheckAsync(program, Post, "/api/estimate", "/api/estimate", JsonContent.Create(new { audio_seconds = 10, min_resolution = 99999 }), 400);
        await api.CheckAsync(program, Post, "/api/sonic/generate", "/api/sonic/generate?wait=60", Form(TestMedia.AstronautPng, ShortSpeech, ("config", "{\"min_resolution\": 256}")), 200);
        await api.CheckAsync(program, Post, "/api/sonic/generate", "/api/sonic/generate", Form(TestMedia.AstronautPng, ShortSpeech, ("config", "{")), 400);
        await api.CheckAsync(anonymous, Post, "/api/sonic/generate", "/api/sonic/generate", Form(TestMedia.AstronautPng, ShortSpeech), 401);

        // Presets: everyone reads, admins change.
        await api.CheckAsync(program, Get, "/api/presets", "/api/presets", null, 200);
        var preset = await api.CheckAsync(admin, Post, "/api/presets", "/api/presets", JsonContent.Create(new { name = "Doc check", parameters = new { min_resolution = 512 } }), 201);
        var presetId = preset!.Value.GetProperty("id").GetInt32();
        await api.CheckAsync(admin, Post, "/api/presets", "/api/presets", JsonContent.Create(new { name = "doc CHECK", parameters = new { } }), 400);
        await api.CheckAsync(program, Post, "/api/presets", "/api/presets", JsonContent.Create(new { name = "Mine", parameters = new { } }), 403);
        await api.CheckAsync(admin, Put, "/api/presets/{id}", $"/api/presets/{presetId}", JsonContent.Create(new { name = "Doc check", parameters = new { min_resolution = 384, seed = 3 } }), 200);
        await api.CheckAsync(admin, Put, "/api/presets/{id}", "/api/presets/999999", JsonContent.Create(new { name = "Nothing", parameters = new { } }), 404);
        await api.CheckAsync(admin, Delete, "/api/presets/{id}", $"/api/presets/{presetId}", null, 204);
        await api.CheckAsync(admin, Delete, "/api/presets/{id}", $"/api/presets/{presetId}", null, 404);

        // Batches: one photo, two recordings.
        var batchForm = Form(TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"), ("name", "doc batch"));
        batchForm.Add(new ByteArrayContent(await File.ReadAllBytesAsync(ShortSpeech)), "audio", "second.wav");
        var batch = await api.CheckAsync(program, Post, "/api/batches", "/api/batches", batchForm, 202);
        var batchId = batch!.Value.GetProperty("id").GetString()!;
        await api.CheckAsync(program, Post, "/api/batches", "/api/batches", Form(null, ShortSpeech), 400);
        await WaitForBatchAsync(program, batchId);
        await api.CheckAsync(program, Get, "/api/batches/{id}", $"/api/batches/{batchId}", null, 200);
        await api.CheckAsync(program, Get, "/api/batches/{id}", "/api/batches/0123456789abcdef01234567", null, 404);
        await api.CheckAsync(program, Get, "/api/batches/{id}/zip", $"/api/batches/{batchId}/zip", null, 200);

        // Signed links, then the job deleted.
        var video = new Uri(job!.Value.GetProperty("signedLinks").GetProperty("video").GetString()!).PathAndQuery;
        await api.CheckAsync(anonymous, Get, "/api/links/{token}/{file}", video, null, 200);
        await api.CheckAsync(anonymous, Get, "/api/links/{token}/{file}", "/api/links/AAAA/video.mp4", null, 403);
        await api.CheckAsync(program, Delete, "/api/jobs/{id}", $"/api/jobs/{id}", null, 204);
        await api.CheckAsync(program, Delete, "/api/jobs/{id}", $"/api/jobs/{id}", null, 404);
        await api.CheckAsync(anonymous, Get, "/api/links/{token}/{file}", video, null, 404);

        var untried = api.Operations.Except(api.Covered).ToList();
        Assert.True(untried.Count == 0, "documented operations never answered with success here: " + string.Join(", ", untried));
        Assert.Equal(25, api.Operations.Count);
        Assert.Equal(49, api.Calls.Count); // every call above was checked
    }

    [Fact]
    public async Task The_document_names_every_api_route_of_the_app_and_its_examples_fit_their_schemas()
    {
        using var host = new WebTestHost();
        using var anonymous = host.Anonymous();
        var api = await DocumentedApi.LoadAsync(anonymous);

        // The app's routes under /api, from its endpoint table, as "METHOD /template" with constraints and trailing slashes removed.
        var routes = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["ANY"]).Select(m => $"{m} {Template(e.RoutePattern)}"))
            .ToHashSet();
        Assert.NotEmpty(routes);
        var undocumented = routes.Except(api.Operations).ToList();
        Assert.True(undocumented.Count == 0, "routes missing from the OpenAPI document: " + string.Join(", ", undocumented));
        var unknown = api.Operations.Except(routes).ToList();
        Assert.True(unknown.Count == 0, "documented operations the app does not have: " + string.Join(", ", unknown));

        // Examples: every schema example, and the webhook's, validate against their schema.
        int examples = 0;
        foreach (var schema in api.Document.GetProperty("components").GetProperty("schemas").EnumerateObject())
            if (schema.Value.TryGetProperty("examples", out var values))
                foreach (var example in values.EnumerateArray()) { api.AssertFits(schema.Value, example, $"example of {schema.Name}"); examples++; }
        var webhook = api.Document.GetProperty("webhooks").GetProperty("job-finished").GetProperty("post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json");
        api.AssertFits(webhook.GetProperty("schema"), webhook.GetProperty("example"), "the webhook's example");
        Assert.True(examples >= 12, $"{examples} examples");

        // How to authenticate: an API key in a header, or the sign-in cookie; signed links need neither.
        var schemes = api.Document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("X-Api-Key", schemes.GetProperty("ApiKey").GetProperty("name").GetString());
        var links = api.Document.GetProperty("paths").GetProperty("/api/links/{token}/{file}").GetProperty("get");
        Assert.Equal(0, links.TryGetProperty("security", out var none) ? none.GetArrayLength() : 0);
        Assert.Equal(2, api.Document.GetProperty("paths").GetProperty("/api/jobs").GetProperty("post").GetProperty("security").GetArrayLength());
    }

    private static string Template(Microsoft.AspNetCore.Routing.Patterns.RoutePattern pattern) =>
        "/" + string.Join("/", pattern.PathSegments.Select(s => string.Concat(s.Parts.Select(p => p switch
        {
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart l => l.Content,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart q => "{" + q.Name + "}",
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternSeparatorPart s => s.Content,
            _ => "?",
        }))));

    /// <summary>A job waiting for the confirmation of its preview (its own seed: the same inputs would reuse the finished video).</summary>
    private static async Task<string> SubmitPreviewFirstAsync(HttpClient program, int seed)
    {
        var id = (await SubmitAsync(program, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"), ("preview_first", "true"), ("seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture))))
            .GetProperty("id").GetString()!;
        await WaitForAsync(program, id, j => j.Status() == "AwaitingConfirmation", TimeSpan.FromSeconds(60));
        return id;
    }

    private static async Task WaitForBatchAsync(HttpClient program, string batchId)
    {
        var until = DateTime.UtcNow.AddSeconds(90);
        while (!(await program.GetFromJsonAsync<JsonElement>($"/api/batches/{batchId}")).GetProperty("isFinished").GetBoolean())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"batch {batchId} did not finish");
            await Task.Delay(200);
        }
    }
}
