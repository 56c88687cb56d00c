using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SonicWeb.Accounts;
using SonicWeb.Data;
using SonicWeb.Tests.TestSupport;
using SonicWeb.Tests.Web;
using static SonicWeb.Tests.Web.EmailNotificationTests;

namespace SonicWeb.Tests.Browser.Blazor;

/// <summary>
/// Text typed into a prerendered page's fields while its circuit is still starting (held back here at its negotiation).
/// The circuit's first render replaces the prerendered fields; without js/early-input.js the text vanished at that
/// moment, the focus with it, and the components never saw it: the search did not search, the form said "required".
/// With it the text stays, the components get it, and typing carries on in the same field.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class EarlyInputBrowserTests
{
    private static string Shot(string name) => Path.Combine(TestMedia.ArtifactsDir, $"blazor-early-input-{name}.png");

    /// <summary>The history search (a MudTextField with Immediate and a 300 ms DebounceInterval, bound to the address's q).</summary>
    [Fact]
    public async Task A_search_typed_before_the_circuit_is_up_stays_in_the_field_filters_once_connected_and_typing_carries_on()
    {
        using var host = new WebTestHost();
        foreach (var name in new[] { "Spring hello", "Spring thanks", "Autumn welcome" })
            await InsertJobAsync(host, j => (j.Name, j.Status, j.FinishedAt) = (name, JobStatus.Succeeded, DateTime.UtcNow));
        await using var browser = await BrowserKit.OpenPageAsync(host, 1366, 900);
        var page = browser.Page;
        await BrowserKit.SignInAsync(page);
        var release = await BrowserKit.HoldCircuitAsync(page);
        var search = page.Locator("#filter-text");
        var rows = page.Locator("[data-job-id]");

        await page.GotoAsync("/history");
        await search.PressSequentiallyAsync("spring");
        Assert.Equal(0, await page.Locator("[data-circuit='connected']").CountAsync());
        await Assertions.Expect(rows).ToHaveCountAsync(3); // nothing can filter yet

        release.SetResult();
        await BrowserKit.WaitForCircuitAsync(page);
        await Assertions.Expect(search).ToHaveValueAsync("spring"); // was wiped
        await Assertions.Expect(rows).ToHaveTextAsync(["Spring thanks", "Spring hello"]);
        await page.WaitForURLAsync(new Regex("/history\\?q=spring$"));
        await page.ScreenshotAsync(new() { Path = Shot("history-search") });

        await Assertions.Expect(search).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(" t"); // where the caret was
        await Assertions.Expect(search).ToHaveValueAsync("spring t");
        await Assertions.Expect(rows).ToHaveTextAsync(["Spring thanks"]);

        await page.ClickAsync("nav a[href='/admin/users']"); // navigating inside the circuit still takes the focus to the heading
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Users");
        await Assertions.Expect(page.Locator("h1")).ToBeFocusedAsync();
    }

    /// <summary>
    /// The admin's new-user form (MudTextFields bound on change, in a MudForm that validates on Create): typed before
    /// the circuit is up, the person still typing in the password field when it comes up, then Create.
    /// </summary>
    [Fact]
    public async Task A_new_user_form_filled_in_before_the_circuit_is_up_creates_the_user_the_form_shows()
    {
        using var host = new WebTestHost();
        await using var browser = await BrowserKit.OpenPageAsync(host, 1366, 900);
        var page = browser.Page;
        await BrowserKit.SignInAsync(page);
        var release = await BrowserKit.HoldCircuitAsync(page);

        await page.GotoAsync("/admin/users");
        await page.Locator("#new-user-email").PressSequentiallyAsync("bea@sonicweb.test");
        await page.Locator("#new-user-name").PressSequentiallyAsync("Bea Early");
        await page.Locator("#new-user-password").PressSequentiallyAsync("a-long-pass");
        Assert.Equal(0, await page.Locator("[data-circuit='connected']").CountAsync());

        release.SetResult();
        await BrowserKit.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator("#new-user-email")).ToHaveValueAsync("bea@sonicweb.test"); // each was wiped
        await Assertions.Expect(page.Locator("#new-user-name")).ToHaveValueAsync("Bea Early");
        await Assertions.Expect(page.Locator("#new-user-password")).ToHaveValueAsync("a-long-pass");
        await Assertions.Expect(page.Locator("#new-user-password")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("word-1");
        await Assertions.Expect(page.Locator("#new-user-password")).ToHaveValueAsync("a-long-password-1");
        await page.ScreenshotAsync(new() { Path = Shot("new-user"), FullPage = true });

        await page.ClickAsync("#create-user");
        await Assertions.Expect(page.Locator("#users tbody tr").Filter(new() { HasText = "bea@sonicweb.test" })).ToContainTextAsync("Bea Early");
        await Assertions.Expect(page.Locator("#new-user-error")).ToHaveCountAsync(0);
        // The form starts again: empty fields, and the role select shows its default role (it was blank after the reset).
        await Assertions.Expect(page.Locator("#new-user-email")).ToHaveValueAsync("");
        // The text the select shows: MudSelect draws it in its combobox element (a blank input there when it has none).
        await Assertions.Expect(page.Locator("#new-user [role='combobox']")).ToHaveTextAsync("Operator");
        await page.ScreenshotAsync(new() { Path = Shot("new-user-created"), FullPage = true });
        await using var scope = host.Services.CreateAsyncScope();
        var bea = (await scope.ServiceProvider.GetRequiredService<UserDirectory>().ListAsync()).Single(u => u.Email == "bea@sonicweb.test");
        Assert.Equal("Bea Early", bea.DisplayName);
        (await host.SignInAsync("bea@sonicweb.test", "a-long-password-1")).Client.Dispose(); // the password shown, all of it (throws if not)
    }
}
