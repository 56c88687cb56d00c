using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using SonicWeb.Accounts;
using SonicWeb.Components.Pages.Account;

namespace SonicWeb.Tests.Web.Components;

/// <summary>Account settings: a new API key is shown once in a dialog with a copy button; the email switch is saved.</summary>
public sealed class SettingsPageTests : ComponentTestContext
{
    [Fact]
    public async Task A_new_key_is_shown_once_in_a_dialog_copied_through_the_clipboard_and_listed_by_its_prefix_only()
    {
        var id = await CreateUserAsync("ana@example.test", Roles.Operator, "Ana");
        SignIn(id, "Ana", Roles.Operator);
        var dialogs = Render<MudDialogProvider>();
        Render<MudPopoverProvider>();
        var cut = Render<Settings>();
        cut.WaitForAssertion(() => Assert.Contains("No keys yet.", cut.Markup));

        cut.Find("input#key-name").Change("nightly");
        await cut.InvokeAsync(() => cut.Find("#create-key").Click());
        dialogs.WaitForAssertion(() => Assert.NotNull(dialogs.Find("#new-key-dialog")));
        var key = dialogs.Find("input#new-key").GetAttribute("value")!;
        Assert.StartsWith("swk_", key);
        Assert.Contains("Your new key nightly.", dialogs.Find(".mud-dialog").TextContent);

        await dialogs.InvokeAsync(() => dialogs.Find("#copy-key").Click());
        dialogs.WaitForAssertion(() => Assert.NotNull(dialogs.Find("#key-copied")));
        var copy = JSInterop.VerifyInvoke("navigator.clipboard.writeText");
        Assert.Equal(key, copy.Arguments[0]);

        await dialogs.InvokeAsync(() => dialogs.Find("#close-key").Click());
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("#new-key-dialog")));
        cut.WaitForAssertion(() => Assert.Contains(key[..8] + "…", cut.Find("#api-keys").TextContent));
        Assert.DoesNotContain(key, cut.Markup + dialogs.Markup);
        var stored = Assert.Single(await Services.GetRequiredService<ApiKeyService>().ListAsync(id));
        Assert.Equal("nightly", stored.Name);
    }

    [Fact]
    public async Task Turning_emails_off_is_saved_with_the_account()
    {
        var id = await CreateUserAsync("bo@example.test", Roles.Reviewer, "Bo");
        SignIn(id, "Bo", Roles.Reviewer);
        Render<MudPopoverProvider>();
        var cut = Render<Settings>();
        cut.WaitForAssertion(() => Assert.Contains("bo@example.test", cut.Markup));
        cut.Find("input#email-enabled").Change(false);
        await cut.InvokeAsync(() => cut.Find("#email-save").Click());
        cut.WaitForAssertion(() => Assert.Equal("Email notifications are off.", cut.Find("#email-message").TextContent.Trim()));
        Assert.False((await Services.GetRequiredService<AccountPreferences>().GetAsync(id))!.EmailNotifications);
    }
}
