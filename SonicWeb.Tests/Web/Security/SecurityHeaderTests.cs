using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace SonicWeb.Tests.Web.Security;

/// <summary>
/// The security headers on every kind of response, Secure cookies and links behind a known proxy only, and no
/// secret in the logs, error pages or the OpenAPI document.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class SecurityHeaderTests
{
    [Fact]
    public async Task Pages_api_static_files_errors_health_and_429s_all_carry_the_security_headers()
    {
        using var host = new WebTestHost(settings: new() { ["RateLimits:ApiPerIp"] = "1000" });
        using var anonymous = host.Anonymous();
        var login = await anonymous.GetStringAsync("/account/login");
        var script = System.Text.RegularExpressions.Regex.Match(login, "src=\"(_framework/blazor.web[^\"]*\\.js)\"").Groups[1].Value;
        Assert.NotEmpty(script);

        var requests = new (string Kind, HttpClient Client, HttpMethod Method, string Path, int Status)[]
        {
            ("sign-in page", anonymous, HttpMethod.Get, "/account/login", 200),
            ("interactive page", host.Http, HttpMethod.Get, "/history", 200),
            ("page redirect", anonymous, HttpMethod.Get, "/history", 302),
            ("API", host.Http, HttpMethod.Get, "/api/jobs", 200),
            ("API 401", anonymous, HttpMethod.Get, "/api/jobs", 401),
            ("API 404", host.Http, HttpMethod.Get, "/api/jobs/0123456789abcdef01234567", 404),
            ("API 415", host.Http, HttpMethod.Post, "/api/jobs", 415),
            ("page 404", host.Http, HttpMethod.Get, "/no-such-page", 404),
            ("form 400 (no antiforgery token)", anonymous, HttpMethod.Post, "/account/login", 400),
            ("static file", anonymous, HttpMethod.Get, "/" + script, 200),
            ("health", anonymous, HttpMethod.Get, "/health", 200),
            ("OpenAPI", anonymous, HttpMethod.Get, "/openapi/v1.json", 200),
        };
        var failures = new List<string>();
        foreach (var (kind, client, method, path, status) in requests)
        {
            using var request = new HttpRequestMessage(method, path) { Content = method == HttpMethod.Post ? new FormUrlEncodedContent([new("a", "b")]) : null };
            using var response = await client.SendAsync(request);
            if ((int)response.StatusCode != status) failures.Add($"{kind} {path}: status {(int)response.StatusCode}, expected {status}");
            failures.AddRange(MissingHeaders(response).Select(m => $"{kind} {path}: {m}"));
        }

        // A 429 (a host with a tiny API limit per address) carries them too.
        using (var limited = new WebTestHost(settings: new() { ["RateLimits:ApiPerIp"] = "1" }, signIn: false))
        using (var client = limited.Anonymous())
        {
            await client.GetAsync("/api/jobs");
            using var response = await client.GetAsync("/api/jobs");
            if (response.StatusCode != HttpStatusCode.TooManyRequests) failures.Add($"429: got {(int)response.StatusCode}");
            failures.AddRange(MissingHeaders(response).Select(m => "429: " + m));
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static IEnumerable<string> MissingHeaders(HttpResponseMessage response)
    {
        string? Header(string name) => response.Headers.TryGetValues(name, out var v) ? string.Join(",", v)
            : response.Content.Headers.TryGetValues(name, out var c) ? string.Join(",", c) : null;
        var csp = Header("Content-Security-Policy") ?? "";
        if (!csp.Contains("frame-ancestors 'none'")) yield return "no CSP with frame-ancestors 'none'";
        var scripts = csp.Split(';').Select(d => d.Trim()).FirstOrDefault(d => d.StartsWith("script-src ")) ?? "";
        if (scripts != "script-src 'self'") yield return $"CSP scripts not limited to the site's own files: '{scripts}'";
        if (Header("X-Content-Type-Options") != "nosniff") yield return "no X-Content-Type-Options: nosniff";
        if (Header("Referrer-Policy") != "same-origin") yield return "no Referrer-Policy";
        if (Header("X-Frame-Options") != "DENY") yield return "no X-Frame-Options";
    }

    [Fact]
    public async Task Only_a_known_proxy_may_say_the_request_came_over_https_and_then_cookies_are_secure_and_links_https()
    {
        using var host = new WebTestHost(signIn: false, settings: new()
            { ["ReverseProxy:KnownProxies:0"] = "127.0.0.2", ["Security:HstsMaxAgeSeconds"] = "31536000" });

        async Task<(string Cookie, string Server, string? Hsts)> AskAsync(string from)
        {
            using var client = EdgeClients.From(host.BaseAddress, from);
            client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
            client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");
            using var page = await client.GetAsync("/account/login");
            var cookie = string.Join("\n", page.Headers.GetValues("Set-Cookie"));
            var hsts = page.Headers.TryGetValues("Strict-Transport-Security", out var v) ? v.Single() : null;
            var openApi = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
            return (cookie, openApi.GetProperty("servers")[0].GetProperty("url").GetString()!, hsts);
        }

        var viaProxy = await AskAsync("127.0.0.2");
        Assert.Contains("secure", viaProxy.Cookie.ToLowerInvariant());
        Assert.StartsWith("https://", viaProxy.Server);
        Assert.Equal("max-age=31536000", viaProxy.Hsts);

        var direct = await AskAsync("127.0.0.6"); // a client that sends the same headers itself
        Assert.DoesNotContain("secure", direct.Cookie.ToLowerInvariant());
        Assert.StartsWith("http://", direct.Server);
        Assert.Null(direct.Hsts);
    }

    [Fact]
    public async Task No_password_or_api_key_reaches_the_logs_error_pages_or_the_openapi_document()
    {
        using var host = new WebTestHost();
        var (user, _) = await host.CreateUserAsync("keys@sonicweb.test", "Operator");
        using var anonymous = host.Anonymous();
        // A failed sign-in with a password that is almost right, and one with a password typed into the e-mail field.
        var token = await EdgeClients.SignInTokenAsync(anonymous);
        await EdgeClients.PostSignInAsync(anonymous, token, "keys@sonicweb.test", "user-password-for-tests-typo");
        await EdgeClients.PostSignInAsync(anonymous, token, "user-password-for-tests", "x");

        string key;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<SonicWeb.Accounts.SonicUser>>();
            var record = await users.FindByNameAsync("keys@sonicweb.test");
            key = (await scope.ServiceProvider.GetRequiredService<SonicWeb.Accounts.ApiKeyService>().CreateAsync(record!.Id, "script")).Key;
        }
        using var script = host.Anonymous();
        script.DefaultRequestHeaders.Add("X-Api-Key", key);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/jobs")).StatusCode);
        using var wrongKey = host.Anonymous();
        wrongKey.DefaultRequestHeaders.Add("X-Api-Key", key + "x");
        using var refused = await wrongKey.GetAsync("/api/jobs");
        var errorBody = await refused.Content.ReadAsStringAsync();
        var openApi = await anonymous.GetStringAsync("/openapi/v1.json");
        var error = await user.GetStringAsync("/api/jobs/not-a-job").ContinueWith(t => t.IsFaulted ? "" : t.Result);

        await Task.Delay(1500); // the file logger writes in the background
        var logs = string.Join("\n", Directory.GetFiles(Path.Combine(host.Root, "logs"), "*", SearchOption.AllDirectories)
            .Select(f => { using var s = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite); return new StreamReader(s).ReadToEnd(); }));
        Assert.Contains("Sign-in refused", logs); // the logs were read, and have the refusals
        foreach (var secret in new[] { "user-password-for-tests", WebTestHost.AdminPassword, key })
        {
            Assert.DoesNotContain(secret, logs);
            Assert.DoesNotContain(secret, errorBody);
            Assert.DoesNotContain(secret, openApi);
            Assert.DoesNotContain(secret, error);
        }
        user.Dispose();
    }
}
