using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using SonicWeb.Tests.TestSupport;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Web.Programs;

/// <summary>
/// The served OpenAPI document against the running API's real answers: for each call a program makes,
/// the document has the path and method, declares the status that came back with its content type,
/// and every field of a JSON answer is in the declared schema (so a generated client can read it).
/// </summary>
[Collection(WebCollection.Name)]
public sealed partial class OpenApiConformanceTests
{
    [Fact]
    public async Task Every_answer_of_the_program_api_is_described_by_the_openapi_document()
    {
        using var host = new WebTestHost(settings: new() { ["Webhooks:AllowedTargets:0"] = "127.0.0.0/8" });
        var (program, _, _) = await ProgramKit.ApiKeyClientAsync(host);
        using var anonymous = host.Anonymous();
        var doc = await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var checkedCalls = new List<string>();

        async Task<JsonElement?> Check(HttpClient client, HttpMethod method, string template, string path, HttpContent? content, int expected)
        {
            using var response = await client.SendAsync(new HttpRequestMessage(method, path) { Content = content });
            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.True((int)response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
            Assert.True(doc.GetProperty("paths").TryGetProperty(template, out var item), $"the document lacks {template}");
            Assert.True(item.TryGetProperty(method.Method.ToLowerInvariant(), out var operation), $"the document lacks {method} {template}");
            Assert.True(operation.GetProperty("responses").TryGetProperty(expected.ToString(), out var declared),
                $"{method} {template} answered {expected}, which the document does not declare");
            checkedCalls.Add($"{method} {template} {expected}");
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (body.Length == 0 || mediaType is null) return null;
            JsonElement? declaredMedia = declared.TryGetProperty("content", out var contentTypes) && contentTypes.TryGetProperty(mediaType, out var m) ? m : null;
            Assert.True(declaredMedia is not null, $"{method} {template} {expected}: {mediaType} is not declared");
            var media = declaredMedia.Value;
            if (!mediaType.Contains("json")) return null;
            var answer = JsonDocument.Parse(body).RootElement.Clone();
            if (media.TryGetProperty("schema", out var schema)) AssertFits(doc, schema, answer, $"{method} {template} {expected}");
            return answer;
        }

        var submitted = await Check(program, HttpMethod.Post, "/api/jobs", "/api/jobs", Form(TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256")), 202);
        var id = submitted!.Value.GetProperty("id").GetString()!;
        await WaitForAsync(program, id, IsFinished, TimeSpan.FromSeconds(60));
        await Check(program, HttpMethod.Post, "/api/jobs", "/api/jobs", Form(TestMedia.AstronautPng, null), 400);
        await Check(anonymous, HttpMethod.Post, "/api/jobs", "/api/jobs", Form(TestMedia.AstronautPng, ShortSpeech), 401);
        await Check(program, HttpMethod.Get, "/api/jobs", "/api/jobs?pageSize=5", null, 200);
        await Check(program, HttpMethod.Get, "/api/jobs", "/api/jobs?status=Nope", null, 400);
        var job = await Check(program, HttpMethod.Get, "/api/jobs/{id}", $"/api/jobs/{id}", null, 200);
        await Check(program, HttpMethod.Get, "/api/jobs/{id}", "/api/jobs/0123456789abcdef01234567", null, 404);
        await Check(program, HttpMethod.Post, "/api/jobs/{id}/cancel", $"/api/jobs/{id}/cancel", null, 409);
        await Check(program, HttpMethod.Get, "/api/jobs/{id}/video", $"/api/jobs/{id}/video", null, 200);
        await Check(program, HttpMethod.Get, "/api/jobs/{id}/thumbnail", $"/api/jobs/{id}/thumbnail", null, 200);
        await Check(program, HttpMethod.Get, "/api/jobs/{id}/preview", $"/api/jobs/{id}/preview", null, 200);
        await Check(program, HttpMethod.Get, "/api/jobs/{id}/webhooks", $"/api/jobs/{id}/webhooks", null, 200);
        await Check(program, HttpMethod.Put, "/api/keys/{keyId}/callback", "/api/keys/current/callback", JsonContent.Create(new { callback_url = "http://127.0.0.1:9/x" }), 200);
        await Check(program, HttpMethod.Put, "/api/keys/{keyId}/callback", "/api/keys/current/callback", JsonContent.Create(new { callback_url = "http://10.0.0.1/x" }), 400);
        await Check(program, HttpMethod.Post, "/api/estimate", "/api/estimate", JsonContent.Create(new { audio_seconds = 10, min_resolution = 512 }), 200);
        await Check(program, HttpMethod.Post, "/api/estimate", "/api/estimate", JsonContent.Create(new { audio_seconds = 10, min_resolution = 99999 }), 400);
        var config = new[] { ("config", "{\"min_resolution\": 256}") };
        await Check(program, HttpMethod.Post, "/api/sonic/generate", "/api/sonic/generate?wait=60", Form(TestMedia.AstronautPng, ShortSpeech, config), 200);
        await Check(program, HttpMethod.Post, "/api/sonic/generate", "/api/sonic/generate", Form(TestMedia.AstronautPng, ShortSpeech, ("config", "{")), 400);

        var video = new Uri(job!.Value.GetProperty("signedLinks").GetProperty("video").GetString()!).PathAndQuery;
        await Check(anonymous, HttpMethod.Get, "/api/links/{token}/{file}", video, null, 200);
        await Check(anonymous, HttpMethod.Get, "/api/links/{token}/{file}", "/api/links/AAAA/video.mp4", null, 403);
        await Check(program, HttpMethod.Delete, "/api/jobs/{id}", $"/api/jobs/{id}", null, 204);
        await Check(anonymous, HttpMethod.Get, "/api/links/{token}/{file}", video, null, 404);
        Assert.Equal(22, checkedCalls.Count); // every call above was checked
    }

    /// <summary>Every property of the answer is declared in the schema ($ref resolved, arrays by their items, allOf/anyOf/oneOf merged).</summary>
    private static void AssertFits(JsonElement doc, JsonElement schema, JsonElement value, string where)
    {
        schema = Resolve(doc, schema);
        if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            foreach (var item in value.EnumerateArray()) AssertFits(doc, items, item, where + "[]");
            return;
        }
        if (value.ValueKind != JsonValueKind.Object) return;
        var properties = Properties(doc, schema);
        if (properties.Count == 0) return; // a free-form object (e.g. parameters, extensions)
        foreach (var property in value.EnumerateObject())
        {
            Assert.True(properties.TryGetValue(property.Name, out var declared), $"{where}: '{property.Name}' is not in the schema (has {string.Join(", ", properties.Keys)})");
            AssertFits(doc, declared, property.Value, $"{where}.{property.Name}");
        }
    }

    private static Dictionary<string, JsonElement> Properties(JsonElement doc, JsonElement schema)
    {
        var all = new Dictionary<string, JsonElement>();
        if (schema.TryGetProperty("properties", out var own))
            foreach (var p in own.EnumerateObject()) all[p.Name] = p.Value;
        if (schema.TryGetProperty("additionalProperties", out var extra) && extra.ValueKind != JsonValueKind.False)
            return []; // ProblemDetails: extensions are allowed
        foreach (var combinator in new[] { "allOf", "anyOf", "oneOf" })
            if (schema.TryGetProperty(combinator, out var parts))
                foreach (var part in parts.EnumerateArray())
                    foreach (var (name, s) in Properties(doc, Resolve(doc, part))) all[name] = s;
        return all;
    }

    private static JsonElement Resolve(JsonElement doc, JsonElement schema)
    {
        while (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference))
        {
            var name = RefName().Match(reference.GetString()!).Groups[1].Value;
            schema = doc.GetProperty("components").GetProperty("schemas").GetProperty(name);
        }
        return schema;
    }

    [GeneratedRegex("^#/components/schemas/(.+)$")]
    private static partial Regex RefName();
}
