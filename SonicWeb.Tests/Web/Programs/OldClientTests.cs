using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SonicWeb.Tests.TestSupport;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Web.Programs;

/// <summary>
/// The calls the original Flask service's clients make to /api/sonic/generate (multipart "image",
/// "audio", JSON "config"), read with the old field names: success, error, video_url, output_path.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class OldClientTests : IDisposable
{
    private readonly WebTestHost _host = new(settings: Paced());

    public void Dispose() => _host.Dispose();

    private static MultipartFormDataContent Generate(string? image, string? audio, string config = "{\"min_resolution\": 256}") =>
        Form(image, audio, ("config", config));

    private static async Task<JsonElement> Old(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    [Fact]
    public async Task A_missing_file_is_a_400_with_the_old_error_string_and_the_problem_details()
    {
        var (program, _, _) = await ProgramKit.ApiKeyClientAsync(_host);
        using var response = await program.PostAsync("/api/sonic/generate?wait=30", Generate(TestMedia.AstronautPng, audio: null));
        var body = await Old(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(body.GetProperty("success").GetBoolean());
        Assert.Contains("'audio'", body.GetProperty("error").GetString());
        Assert.Equal("invalid_parameter", body.GetProperty("code").GetString()); // new clients keep ProblemDetails
        Assert.Equal(400, body.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Bad_config_json_is_a_400_naming_the_json_problem()
    {
        var (program, _, _) = await ProgramKit.ApiKeyClientAsync(_host);
        using var response = await program.PostAsync("/api/sonic/generate", Generate(TestMedia.AstronautPng, ShortSpeech, "{\"min_resolution\": 256,"));
        var body = await Old(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(body.GetProperty("success").GetBoolean());
        Assert.Contains("config is not valid JSON", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Without_a_key_the_401_also_carries_the_old_error()
    {
        using var anonymous = _host.Anonymous();
        using var response = await anonymous.PostAsync("/api/sonic/generate", Generate(TestMedia.AstronautPng, ShortSpeech));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await Old(response);
        Assert.False(body.GetProperty("success").GetBoolean());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Success_within_wait_gives_an_absolute_link_that_works_alone_and_a_path_inside_the_storage()
    {
        var (program, _, _) = await ProgramKit.ApiKeyClientAsync(_host);
        using var response = await program.PostAsync("/api/sonic/generate?wait=60", Generate(TestMedia.AstronautPng, ShortSpeech));
        var body = await Old(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.True(body.GetProperty("success").GetBoolean());
        var id = body.GetProperty("task_id").GetString()!;

        var videoUrl = body.GetProperty("video_url").GetString()!;
        Assert.StartsWith(_host.BaseAddress.ToString().TrimEnd('/') + "/api/links/", videoUrl);
        using (var nobody = new HttpClient()) // no key, no cookie, not even the base address
        using (var video = await nobody.GetAsync(videoUrl))
        {
            Assert.Equal(HttpStatusCode.OK, video.StatusCode);
            Assert.Equal("video/mp4", video.Content.Headers.ContentType?.MediaType);
            Assert.True((await video.Content.ReadAsByteArrayAsync()).Length > 1000);
        }

        var outputPath = body.GetProperty("output_path").GetString()!;
        Assert.Equal($"outputs/{id}/video.mp4", outputPath);
        Assert.False(Path.IsPathRooted(outputPath));
        Assert.True(File.Exists(Path.Combine(_host.Root, outputPath)));
    }

    [Fact]
    public async Task A_202_then_polling_the_status_url_reaches_success()
    {
        var (program, _, _) = await ProgramKit.ApiKeyClientAsync(_host);
        using var response = await program.PostAsync("/api/sonic/generate?wait=0", Generate(TestMedia.AstronautPng, LongSpeech));
        var body = await Old(response);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.False(body.GetProperty("success").GetBoolean());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("video_url").ValueKind);
        var id = body.GetProperty("task_id").GetString()!;
        var statusUrl = body.GetProperty("status_url").GetString()!;
        Assert.Equal($"/api/jobs/{id}", statusUrl);

        var done = await WaitForAsync(program, id, IsFinished, TimeSpan.FromSeconds(90));
        Assert.Equal("Succeeded", done.Status());
        var signed = done.GetProperty("signedLinks");
        using var nobody = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await nobody.GetAsync(signed.GetProperty("video").GetString())).StatusCode);
    }

    [Fact]
    public async Task Behind_a_proxy_the_link_uses_the_forwarded_scheme_and_host_and_a_configured_address_wins()
    {
        // The test client calls from 127.0.0.1: listed as the reverse proxy, its forwarded headers are believed.
        using var proxied = new WebTestHost(settings: new() { ["ReverseProxy:KnownProxies:0"] = "127.0.0.1" });
        var (program, _, _) = await ProgramKit.ApiKeyClientAsync(proxied);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/sonic/generate?wait=60") { Content = Generate(TestMedia.AstronautPng, ShortSpeech) };
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "videos.example.com");
        using var response = await program.SendAsync(request);
        var body = await Old(response);
        Assert.StartsWith("https://videos.example.com/api/links/", body.GetProperty("video_url").GetString());

        using var configured = new WebTestHost(settings: new() { ["Links:PublicBaseUrl"] = "https://sonic.shop.example/" });
        var job = await SubmitAsync(configured.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"));
        Assert.StartsWith("https://sonic.shop.example/api/links/", job.GetProperty("signedLinks").GetProperty("thumbnail").GetString());
    }
}
