using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SonicWeb.Tests.Browser;
using SonicWeb.Tests.TestSupport;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Web;

[Collection(WebCollection.Name)]
public sealed class ApiKeyTests
{
    [Theory]
    [InlineData(TestDatabase.Sqlite)]
    [InlineData(TestDatabase.Postgres)] // the same test on PostgreSQL (docs/deploy.md, "Database")
    public async Task A_key_from_the_settings_page_acts_as_its_owner_until_revoked_and_never_reaches_the_logs(TestDatabase database)
    {
        string root, key;
        using (var host = new WebTestHost(database: database))
        {
            root = host.Root;
            var (operatorClient, _) = await host.CreateUserAsync("script@sonicweb.test", "Operator", "Catalogue script");

            // Create the key on the settings page (an interactive MudBlazor page, so through chromium); it is shown once, in a dialog.
            await using var browser = await BrowserKit.OpenPageAsync(host);
            var page = browser.Page;
            await BrowserKit.SignInAsync(page, "script@sonicweb.test", "user-password-for-tests");
            await page.GotoAsync("/account/settings");
            await BrowserKit.WaitForCircuitAsync(page);
            await page.FillAsync("#key-name", "nightly");
            await page.ClickAsync("#create-key");
            key = await page.Locator("input#new-key").InputValueAsync();
            Assert.StartsWith("swk_", key);
            await page.ClickAsync("#close-key");
            Assert.DoesNotContain(key, await operatorClient.GetStringAsync("/account/settings")); // only that once

            using var program = host.Anonymous();
            program.DefaultRequestHeaders.Add("X-Api-Key", key);
            var job = await SubmitAsync(program, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"));
            Assert.Equal("Catalogue script", job.GetProperty("submitter").GetString());
            var id = job.GetProperty("id").GetString()!;
            Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetAsync($"/api/jobs/{id}")).StatusCode); // the owner's own job

            // Same permissions as the owner: not the admin's job, not the admin page.
            var adminJob = (await SubmitAsync(host.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"), ("seed", "3"))).GetProperty("id").GetString()!;
            Assert.Equal(HttpStatusCode.Forbidden, (await program.GetAsync($"/api/jobs/{adminJob}")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await program.GetAsync("/admin/users")).StatusCode);
            await using (var hub = await JobsHubClient.ConnectAsync(host.BaseAddress, apiKey: key))
                Assert.Equal(id, (await hub.JoinAsync(id)).GetProperty("id").GetString());

            var settings = await operatorClient.GetStringAsync("/account/settings");
            Assert.Matches("class=\"last-used\">\\d{4}-", settings);

            // Revoke (on the page, after confirming): the key stops working at once, with a 401 ProblemDetails.
            var keyId = Regex.Match(settings, "data-key-id=\"([0-9a-f]+)\"").Groups[1].Value;
            Assert.NotEmpty(keyId);
            await page.ReloadAsync();
            await BrowserKit.WaitForCircuitAsync(page);
            await page.ClickAsync(".revoke-key");
            await page.ClickAsync(".mud-dialog button:has-text('Revoke')");
            await Assertions.Expect(page.Locator("#api-keys")).ToContainTextAsync("revoked");
            using var refused = await program.GetAsync($"/api/jobs/{id}");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("unauthenticated", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
            Assert.Contains("revoked", await operatorClient.GetStringAsync("/account/settings"));
            await WaitForAsync(host.Http, adminJob, IsFinished, TimeSpan.FromSeconds(60));
        } // stopping the host flushes the log files

        var logs = Directory.EnumerateFiles(Path.Combine(root, "logs")).Select(File.ReadAllText).ToList();
        Assert.Contains(logs, l => l.Contains("/api/jobs") && l.Contains("API key")); // the requests and key events were logged...
        Assert.DoesNotContain(logs, l => l.Contains(key) || l.Contains(key[4..20])); // ...without the key
    }

}
