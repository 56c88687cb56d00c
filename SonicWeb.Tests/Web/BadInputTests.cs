using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SonicWeb.Tests.TestSupport;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Web;

/// <summary>Every kind of bad upload is refused with ProblemDetails before a job exists, and leaves nothing on disk.</summary>
[Collection(WebCollection.Name)]
public sealed class BadInputTests : IDisposable
{
    private readonly WebTestHost _host = new(settings: new() { ["Storage:MaxUploadBytes"] = "1000000" });

    public void Dispose() => _host.Dispose();

    private async Task<JsonElement> ExpectProblemAsync(HttpContent content, HttpStatusCode status, string code)
    {
        using var response = await _host.Http.PostAsync("/api/jobs", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }

    [Fact]
    public async Task Bad_parameters_are_400_naming_field_value_and_range()
    {
        var audio = ShortSpeech;
        var p = await ExpectProblemAsync(Form(TestMedia.AstronautPng, audio, ("min_resolution", "5000"), ("dynamic_scale", "abc")), HttpStatusCode.BadRequest, "invalid_parameter");
        var errors = p.GetProperty("errors");
        Assert.Contains("5000", errors.GetProperty("min_resolution")[0].GetString());
        Assert.Contains("256..2048", errors.GetProperty("min_resolution")[0].GetString());
        Assert.Contains("'abc'", errors.GetProperty("dynamic_scale")[0].GetString());

        p = await ExpectProblemAsync(Form(TestMedia.AstronautPng, audio, ("config", "{\"min_resolutoin\": 512}")), HttpStatusCode.BadRequest, "invalid_parameter");
        Assert.True(p.GetProperty("errors").TryGetProperty("min_resolutoin", out _));
        await ExpectProblemAsync(Form(TestMedia.AstronautPng, audio, ("config", "{not json")), HttpStatusCode.BadRequest, "invalid_parameter");
        p = await ExpectProblemAsync(Form(TestMedia.AstronautPng, null), HttpStatusCode.BadRequest, "invalid_parameter");
        Assert.True(p.GetProperty("errors").TryGetProperty("audio", out _));
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task An_upload_over_the_limit_is_413_with_the_limit_in_the_message()
    {
        // The astronaut PNG is about 790 kB; the upload limit here is 1,000,000 bytes.
        var big = Path.Combine(TestMedia.WorkDir, "web-big.png");
        var bytes = new byte[1_500_000];
        File.ReadAllBytes(TestMedia.AstronautPng).CopyTo(bytes, 0);
        File.WriteAllBytes(big, bytes);
        var p = await ExpectProblemAsync(Form(big, ShortSpeech), HttpStatusCode.RequestEntityTooLarge, "file_too_large");
        Assert.Contains("1.0 MB", p.GetProperty("detail").GetString());
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Files_of_the_wrong_type_are_415_whatever_their_names()
    {
        var text = Path.Combine(TestMedia.WorkDir, "web-not-a-photo.png");
        File.WriteAllText(text, "just some text pretending to be a PNG image");
        await ExpectProblemAsync(Form(text, ShortSpeech), HttpStatusCode.UnsupportedMediaType, "unsupported_image");

        var pngAsWav = Path.Combine(TestMedia.WorkDir, "web-photo.wav");
        File.Copy(TestMedia.AstronautPng, pngAsWav, overwrite: true);
        await ExpectProblemAsync(Form(TestMedia.AstronautPng, pngAsWav), HttpStatusCode.UnsupportedMediaType, "unsupported_audio");

        var noise = Path.Combine(TestMedia.WorkDir, "web-noise.mp3");
        File.WriteAllBytes(noise, Enumerable.Range(0, 5000).Select(i => (byte)(i * 7919 % 251)).ToArray());
        await ExpectProblemAsync(Form(TestMedia.AstronautPng, noise), HttpStatusCode.UnsupportedMediaType, "unsupported_audio");
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Photos_without_a_usable_face_are_422_before_a_job_exists()
    {
        var gray = TestMedia.Convert(TestMedia.AstronautPng, "web-gray.png", "-vf", "drawbox=x=0:y=0:w=iw:h=ih:color=gray:t=fill");
        await ExpectProblemAsync(Form(gray, ShortSpeech), HttpStatusCode.UnprocessableEntity, "no_face");

        var tiny = TestMedia.Convert(TestMedia.AstronautPng, "web-tiny.png", "-vf", "scale=120:120");
        await ExpectProblemAsync(Form(tiny, ShortSpeech), HttpStatusCode.UnprocessableEntity, "face_too_small");
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_form_post_without_its_antiforgery_token_is_a_400_problem_not_a_500()
    {
        // The test host runs in the Development environment, whose exception page used to turn this into a 500.
        using var anonymous = _host.Anonymous();
        using var response = await anonymous.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["email"] = WebTestHost.AdminEmail, ["password"] = WebTestHost.AdminPassword }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("antiforgery_failed", problem.GetProperty("code").GetString());
        Assert.Contains("Reload the page", problem.GetProperty("detail").GetString());
    }

    private async Task AssertNothingStoredAsync()
    {
        var list = await _host.Http.GetFromJsonAsync<JsonElement>("/api/jobs");
        Assert.Equal(0, list.GetProperty("total").GetInt32());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_host.Root, "uploads")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_host.Root, "staging")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_host.Root, "outputs")));
    }
}
