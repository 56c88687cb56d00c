using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using SonicWeb.Accounts;
using SonicWeb.Components.Pages.Account;

namespace SonicWeb.Tests.Web.Components;

/// <summary>Account settings: a new API key is shown once in a dialog with a copy button; a key's webhook is set and cleared; the email switch is saved.</summary>
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
    public async Task A_keys_webhook_is_set_and_cleared_and_a_loopback_address_is_refused_with_the_apis_message()
    {
        var id = await CreateUserAsync("cy@example.test", Roles.Operator, "Cy");
        SignIn(id, "Cy", Roles.Operator);
        var keys = Services.GetRequiredService<ApiKeyService>();
        await keys.CreateAsync(id, "shop");
        Render<MudPopoverProvider>();
        var cut = Render<Settings>();
        cut.WaitForAssertion(() => Assert.Equal("none", cut.Find(".key-callback").TextContent.Trim()));

        await cut.InvokeAsync(() => cut.Find(".edit-callback").Click());
        cut.Find("input#callback-url").Change("http://127.0.0.1:8080/hook");
        await cut.InvokeAsync(() => cut.Find("#callback-save").Click());
        cut.WaitForAssertion(() => Assert.Contains("127.0.0.1 is in the private, loopback or link-local range 127.0.0.0/8", cut.Find("#key-callback-form").TextContent));
        Assert.Contains("Webhooks:AllowedTargets", cut.Find("#key-callback-form").TextContent);
        Assert.Null(Assert.Single(await keys.ListAsync(id)).CallbackUrl);

        // A private address in the range the installation allows (Webhooks:AllowedTargets) is accepted, as by the API.
        cut.Find("input#callback-url").Change("http://192.168.50.7/hook");
        await cut.InvokeAsync(() => cut.Find("#callback-save").Click());
        cut.WaitForAssertion(() => Assert.Equal("http://192.168.50.7/hook", cut.Find(".key-callback").TextContent.Trim()));
        Assert.Contains("Jobs submitted with 'shop' will call http://192.168.50.7/hook", cut.Find("#callback-message").TextContent);
        Assert.Empty(cut.FindAll("#key-callback-form"));
        Assert.Equal("http://192.168.50.7/hook", Assert.Single(await keys.ListAsync(id)).CallbackUrl);

        await cut.InvokeAsync(() => cut.Find(".edit-callback").Click());
        await cut.InvokeAsync(() => cut.Find("#callback-clear").Click());
        cut.WaitForAssertion(() => Assert.Equal("none", cut.Find(".key-callback").TextContent.Trim()));
        Assert.Contains("'shop' has no webhook now", cut.Find("#callback-message").TextContent);
        Assert.Null(Assert.Single(await keys.ListAsync(id)).CallbackUrl);
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
