using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SonicWeb.Tests.Browser;
using SonicWeb.Tests.TestSupport;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Web.Security;

/// <summary>
/// A page of another origin on the same site (here another port of 127.0.0.1: the browser sends the SameSite=Lax
/// cookie along) must not be able to act as the signed-in user through the REST API, which takes no antiforgery
/// token. Over HTTP with the headers a browser sends, and in chromium with a real attacker page on its own server;
/// the operator's Security:TrustedOrigins lets a named origin through, which also shows the attack is real.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class CrossSiteRequestTests
{
    [Fact]
    public async Task State_changing_calls_from_another_origin_are_refused_and_change_nothing()
    {
        using var host = new WebTestHost();
        var job = await WaitingJobAsync(host.Http);

        foreach (var (header, value) in new[] { ("Sec-Fetch-Site", "same-site"), ("Sec-Fetch-Site", "cross-site"), ("Origin", "http://127.0.0.1:1"), ("Origin", "null") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/jobs/{job}/cancel");
            request.Headers.Add(header, value);
            using var response = await host.Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{header}: {value} -> {(int)response.StatusCode} {body}");
            var problem = JsonDocument.Parse(body).RootElement;
            Assert.Equal("cross_site_request", problem.GetProperty("code").GetString());
            Assert.Contains(value, problem.GetProperty("detail").GetString());
            Assert.Equal("AwaitingConfirmation", (await GetJobAsync(host.Http, job)).Status());
        }

        // Reading is never refused (a link from another site may open a page), and the site's own pages may act:
        // Sec-Fetch-Site: same-origin, or an Origin naming this very host. Programs without these headers are untouched.
        using (var read = new HttpRequestMessage(HttpMethod.Get, $"/api/jobs/{job}") { Headers = { { "Sec-Fetch-Site", "cross-site" } } })
            Assert.Equal(HttpStatusCode.OK, (await host.Http.SendAsync(read)).StatusCode);
        using (var own = new HttpRequestMessage(HttpMethod.Post, $"/api/jobs/{job}/cancel"))
        {
            own.Headers.Add("Origin", host.BaseAddress.GetLeftPart(UriPartial.Authority));
            using var response = await host.Http.SendAsync(own);
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        Assert.Equal("Cancelled", (await GetJobAsync(host.Http, job)).Status());
    }

    [Fact]
    public async Task A_page_on_another_port_of_the_same_host_cannot_cancel_the_users_job_in_chromium()
    {
        await using var attacker = await AttackerSite.StartAsync();

        // Default settings: the attacker's auto-submitted form reaches the app with the user's cookie and is refused.
        using (var host = new WebTestHost())
        {
            var job = await WaitingJobAsync(host.Http);
            var answer = await AttackAsync(host, attacker, job, "cross-site-cancel-refused.png");
            Assert.Contains("cross_site_request", answer);
            Assert.Contains("Sec-Fetch-Site: same-site", answer);
            Assert.Equal("AwaitingConfirmation", (await GetJobAsync(host.Http, job)).Status());
        }

        // The same attack with the attacker's origin trusted by the operator goes through: the cookie really rides
        // along, so the refusal above is the guard's doing and not the browser's.
        using (var trusting = new WebTestHost(settings: new() { ["Security:TrustedOrigins:0"] = attacker.Origin }))
        {
            var job = await WaitingJobAsync(trusting.Http);
            await AttackAsync(trusting, attacker, job, "cross-site-cancel-trusted-origin.png");
            Assert.Equal("Cancelled", (await WaitForAsync(trusting.Http, job, j => j.Status() == "Cancelled", TimeSpan.FromSeconds(10))).Status());
        }
    }

    [Fact]
    public void A_trusted_origin_must_be_written_as_browsers_send_it()
    {
        var problems = new SonicWeb.Security.SecurityOptionsValidator().Problems(new SonicWeb.Security.SecurityOptions
        {
            TrustedOrigins = ["https://shop.example.com", "https://shop.example.com/", "shop.example.com", "https://shop.example.com/path", "ftp://x.example.com"],
        }).ToList();
        Assert.Equal(4, problems.Count);
        Assert.All(problems, p => Assert.Contains("Security:TrustedOrigins", p));
        Assert.DoesNotContain(problems, p => p.Contains("'https://shop.example.com'"));
    }

    /// <summary>Signs the browser in, opens the attacker's page (which posts the cancel form at once) and returns the app's answer as the page shows it.</summary>
    private static async Task<string> AttackAsync(WebTestHost host, AttackerSite attacker, string job, string screenshot)
    {
        await using var browser = await BrowserKit.OpenPageAsync(host);
        var page = browser.Page;
        await page.GotoAsync("/account/login");
        await BrowserKit.SignInAsync(page);
        await page.GotoAsync($"{attacker.Origin}/?target={Uri.EscapeDataString(new Uri(host.BaseAddress, $"/api/jobs/{job}/cancel").ToString())}");
        await page.WaitForURLAsync($"{host.BaseAddress}api/jobs/{job}/cancel");
        await page.ScreenshotAsync(new() { Path = Path.Combine(TestMedia.ArtifactsDir, screenshot) });
        return await page.Locator("body").InnerTextAsync();
    }

    private static async Task<string> WaitingJobAsync(HttpClient http)
    {
        var job = (await SubmitAsync(http, TestMedia.AstronautPng, ShortSpeech, ("preview_first", "true"), ("min_resolution", "256"))).GetProperty("id").GetString()!;
        await WaitForAsync(http, job, j => j.Status() == "AwaitingConfirmation", TimeSpan.FromSeconds(30));
        return job;
    }

    /// <summary>Another site's page on its own loopback port: a form that posts to the target as soon as it loads.</summary>
    private sealed class AttackerSite : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private AttackerSite(WebApplication app, string origin) => (_app, Origin) = (app, origin);

        public string Origin { get; }

        public static async Task<AttackerSite> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            app.MapGet("/", (string target) => Results.Content(
                $"<!doctype html><form method=post action=\"{WebUtility.HtmlEncode(target)}\"><input name=x value=1></form>" +
                "<script>document.forms[0].submit()</script>", "text/html"));
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new AttackerSite(app, address.TrimEnd('/'));
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
