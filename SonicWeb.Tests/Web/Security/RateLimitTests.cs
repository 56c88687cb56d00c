using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SonicWeb.Accounts;
using SonicWeb.Tests.TestSupport;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Web.Security;

/// <summary>The request limits (RateLimits:*) and the queue limits (Queue:*): each answers 429 with Retry-After and names itself.</summary>
[Collection(WebCollection.Name)]
public sealed class RateLimitTests
{
    [Fact]
    public async Task Forty_failed_sign_ins_from_one_address_against_forty_accounts_are_slowed_but_another_address_signs_in()
    {
        // The defaults (RateLimits:SignInPerIp = 10 per 60 s); the test host's own admin sign-in came from 127.0.0.1.
        using var host = new WebTestHost(settings: DefaultRateLimits());
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserDirectory>();
            for (int i = 0; i < 40; i++) Assert.True((await users.CreateAsync($"victim{i}@sonicweb.test", null, "Operator", "the-real-password-1")).Succeeded);
        }

        using var attacker = EdgeClients.From(host.BaseAddress, "127.0.0.3");
        var token = await EdgeClients.SignInTokenAsync(attacker);
        var statuses = new List<int>();
        JsonElement? refusal = null;
        string? retryAfter = null;
        for (int i = 0; i < 40; i++)
        {
            using var response = await EdgeClients.PostSignInAsync(attacker, token, $"victim{i}@sonicweb.test", "guess-" + i);
            statuses.Add((int)response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && refusal is null)
            {
                refusal = await response.Content.ReadFromJsonAsync<JsonElement>();
                retryAfter = response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString();
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }
        Assert.Equal(10, statuses.Count(s => s == 302)); // the first ten were tried (and failed)
        Assert.Equal(30, statuses.Count(s => s == 429));
        Assert.Equal("rate_limited", refusal!.Value.GetProperty("code").GetString());
        Assert.Equal("RateLimits:SignInPerIp", refusal.Value.GetProperty("limit").GetString());
        Assert.Contains("at most 10 per 60 s", refusal.Value.GetProperty("detail").GetString());
        Assert.InRange(double.Parse(retryAfter!), 1, 60);

        // No account was locked by the attempts that were refused; from another address a victim signs in at once.
        using var victim = EdgeClients.From(host.BaseAddress, "127.0.0.4");
        using var signedIn = await EdgeClients.PostSignInAsync(victim, await EdgeClients.SignInTokenAsync(victim), "victim39@sonicweb.test", "the-real-password-1");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.DoesNotContain("/account/login", signedIn.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Submissions_and_api_calls_are_limited_per_user_and_per_api_key()
    {
        using var host = new WebTestHost(settings: new()
        {
            ["RateLimits:SubmitPerUser"] = "3", ["RateLimits:SubmitPerIp"] = "1000",
            ["RateLimits:ApiPerUser"] = "8", ["RateLimits:ApiPerIp"] = "1000",
        });
        var (operatorClient, _) = await host.CreateUserAsync("busy@sonicweb.test", "Operator");

        // Three submissions (refused as bad input, but counted), then 429 naming the submission limit.
        for (int i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.BadRequest, (await operatorClient.PostAsync("/api/jobs", Form(null, null, ("name", "x")))).StatusCode);
        using (var limited = await operatorClient.PostAsync("/api/jobs", Form(null, null, ("name", "x"))))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
            Assert.NotNull(limited.Headers.RetryAfter?.Delta);
            var problem = await limited.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("RateLimits:SubmitPerUser", problem.GetProperty("limit").GetString());
            Assert.Contains("submissions by one user", problem.GetProperty("detail").GetString());
        }
        // Another user of the same address is not slowed by it.
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Http.PostAsync("/api/jobs", Form(null, null, ("name", "x")))).StatusCode);

        // An API key shares its user's API budget (8 per window): 3 calls were counted above (the refused one stopped at
        // the submission limit), 5 more pass, then 429.
        string key;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<SonicUser>>();
            var user = await users.FindByNameAsync("busy@sonicweb.test");
            key = (await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(user!.Id, "script")).Key;
        }
        using var script = host.Anonymous();
        script.DefaultRequestHeaders.Add("X-Api-Key", key);
        var codes = new List<int>();
        for (int i = 0; i < 7; i++) codes.Add((int)(await script.GetAsync("/api/jobs")).StatusCode);
        Assert.Equal([200, 200, 200, 200, 200, 429, 429], codes);
        using var apiLimited = await script.GetAsync("/api/jobs");
        Assert.Equal("RateLimits:ApiPerUser", (await apiLimited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("limit").GetString());
        // The admin's budget is their own.
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/api/jobs")).StatusCode);
        operatorClient.Dispose();
    }

    [Fact]
    public async Task Api_calls_from_one_address_are_limited_whoever_makes_them()
    {
        using var host = new WebTestHost(settings: new() { ["RateLimits:ApiPerIp"] = "5", ["RateLimits:ApiPerUser"] = "1000" });
        using var other = EdgeClients.From(host.BaseAddress, "127.0.0.5");
        var codes = new List<int>();
        for (int i = 0; i < 7; i++) codes.Add((int)(await other.GetAsync("/api/presets")).StatusCode); // anonymous: 401s count too
        Assert.Equal(5, codes.Count(c => c == 401));
        Assert.Equal(2, codes.Count(c => c == 429));
        using var limited = await other.GetAsync("/api/presets");
        Assert.Equal("RateLimits:ApiPerIp", (await limited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("limit").GetString());
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/health")).StatusCode); // only /api is limited by it
    }

    [Fact]
    public async Task The_queue_and_each_users_share_of_it_are_limited_with_a_429_naming_the_setting()
    {
        // The fake backend at 2 s per second of video: the first jobs are still unfinished while the others are sent.
        using var host = new WebTestHost(settings: new()
        {
            [FakeBackend.PaceSetting] = "2", ["Queue:MaxUnfinishedJobs"] = "2", ["Queue:MaxUnfinishedJobsPerUser"] = "1", ["Queue:RetryAfterSeconds"] = "45",
        });
        var (ana, _) = await host.CreateUserAsync("ana@sonicweb.test", "Operator");
        var (bo, _) = await host.CreateUserAsync("bo@sonicweb.test", "Operator");

        await SubmitAsync(ana, TestMedia.AstronautPng, LongSpeech, ("min_resolution", "256"));
        using (var second = await ana.PostAsync("/api/jobs", Form(TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"))))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(45), second.Headers.RetryAfter?.Delta);
            var problem = await second.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("too_many_unfinished_jobs", problem.GetProperty("code").GetString());
            Assert.Contains("Queue:MaxUnfinishedJobsPerUser", problem.GetProperty("detail").GetString());
        }
        await SubmitAsync(bo, TestMedia.AstronautPng, LongSpeech, ("min_resolution", "256"));
        using (var third = await host.Http.PostAsync("/api/jobs", Form(TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"))))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
            var problem = await third.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("queue_full", problem.GetProperty("code").GetString());
            Assert.Contains("Queue:MaxUnfinishedJobs)", problem.GetProperty("detail").GetString());
        }
        // Nothing of the refused uploads was kept: still exactly the two accepted jobs.
        var list = await host.Http.GetFromJsonAsync<JsonElement>("/api/jobs", Json);
        Assert.Equal(2, list.GetProperty("items").GetArrayLength());
        ana.Dispose();
        bo.Dispose();
    }

    /// <summary>The test host raises the request limits for the other tests; this puts the shipped defaults back.</summary>
    private static Dictionary<string, string> DefaultRateLimits() => new()
    {
        ["RateLimits:SignInPerIp"] = "10", ["RateLimits:SubmitPerUser"] = "30", ["RateLimits:SubmitPerIp"] = "60",
        ["RateLimits:ApiPerUser"] = "1200", ["RateLimits:ApiPerIp"] = "2400",
    };
}
