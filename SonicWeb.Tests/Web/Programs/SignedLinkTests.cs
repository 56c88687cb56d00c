using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SonicWeb.Tests.TestSupport;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Web.Programs;

/// <summary>Signed download links: usable without credentials, with range requests; dead after expiry, deletion or any change.</summary>
[Collection(WebCollection.Name)]
public sealed class SignedLinkTests
{
    private static async Task<(WebTestHost Host, JsonElement Job)> FinishedJobAsync(double lifetimeSeconds)
    {
        var host = new WebTestHost(settings: new() { ["Links:LifetimeSeconds"] = lifetimeSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var id = (await SubmitAsync(host.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;
        await WaitForAsync(host.Http, id, IsFinished, TimeSpan.FromSeconds(60));
        return (host, await GetJobAsync(host.Http, id));
    }

    [Fact]
    public async Task Links_work_without_credentials_with_ranges_and_stop_when_the_job_is_deleted()
    {
        var (host, job) = await FinishedJobAsync(3600);
        using var _ = host;
        var links = job.GetProperty("signedLinks");
        var expires = links.GetProperty("expiresAt").GetDateTime().ToUniversalTime();
        Assert.InRange(expires, DateTime.UtcNow.AddMinutes(55), DateTime.UtcNow.AddMinutes(61));
        using var nobody = new HttpClient();

        using (var ranged = new HttpRequestMessage(HttpMethod.Get, links.GetProperty("video").GetString()))
        {
            ranged.Headers.Range = new RangeHeaderValue(0, 99);
            using var part = await nobody.SendAsync(ranged);
            Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
            Assert.Equal(100, (await part.Content.ReadAsByteArrayAsync()).Length);
        }
        using (var thumb = await nobody.GetAsync(links.GetProperty("thumbnail").GetString()))
            Assert.Equal("image/jpeg", thumb.Content.Headers.ContentType?.MediaType);
        using (var preview = await nobody.GetAsync(links.GetProperty("preview").GetString()))
            Assert.Equal(HttpStatusCode.OK, preview.StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await host.Http.DeleteAsync($"/api/jobs/{job.GetProperty("id").GetString()}")).StatusCode);
        using var gone = await nobody.GetAsync(links.GetProperty("video").GetString());
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Contains("deleted", (await gone.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_tampered_link_is_refused_and_an_expired_one_says_when_it_expired()
    {
        var (host, job) = await FinishedJobAsync(2);
        using var _ = host;
        var video = job.GetProperty("signedLinks").GetProperty("video").GetString()!;
        using var nobody = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await nobody.GetAsync(video)).StatusCode); // before expiry

        // One character of the token changed: refused, whatever the character.
        var tokenStart = video.IndexOf("/api/links/", StringComparison.Ordinal) + "/api/links/".Length + 20;
        var tampered = video[..tokenStart] + (video[tokenStart] == 'A' ? 'B' : 'A') + video[(tokenStart + 1)..];
        using (var refused = await nobody.GetAsync(tampered))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("not valid", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        }
        // The job's id in another job's place: a made-up token is no better.
        Assert.Equal(HttpStatusCode.Forbidden, (await nobody.GetAsync(new Uri(host.BaseAddress, "/api/links/AAAA/video.mp4"))).StatusCode);

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        using var expired = await nobody.GetAsync(video);
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        var problem = await expired.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("link_expired", problem.GetProperty("code").GetString());
        Assert.Contains("expired at", problem.GetProperty("detail").GetString());
    }
}
