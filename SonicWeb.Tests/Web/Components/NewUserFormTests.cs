using Bunit;
using SonicWeb.Components.Pages.Admin.Components;

namespace SonicWeb.Tests.Web.Components;

/// <summary>The admin's new-user form: what it refuses before sending, and the directory's answer shown under it.</summary>
public sealed class NewUserFormTests : ComponentTestContext
{
    [Fact]
    public async Task A_bad_address_and_a_short_password_are_named_beside_their_fields_and_nothing_is_sent()
    {
        var sent = new List<NewUserForm.Model>();
        var cut = Render<NewUserForm>(p => p
            .Add(f => f.PasswordMinLength, 12)
            .Add(f => f.OnCreate, m => { sent.Add(m); return Task.FromResult<string?>(null); }));

        cut.Find("input#new-user-email").Change("not-an-address");
        cut.Find("input#new-user-password").Change("short");
        await cut.InvokeAsync(() => cut.Find("#create-user").Click());

        cut.WaitForAssertion(() =>
        {
            Assert.Contains("'not-an-address' is not an email address.", cut.Markup);
            Assert.Contains("The password has 5 characters; at least 12 are needed.", cut.Markup);
        });
        Assert.Empty(sent);
    }

    [Fact]
    public async Task Empty_required_fields_say_so_and_the_directorys_refusal_is_shown_under_the_form()
    {
        var cut = Render<NewUserForm>(p => p.Add(f => f.OnCreate, _ => Task.FromResult<string?>("Email 'bo@example.test' is already taken.")));
        await cut.InvokeAsync(() => cut.Find("#create-user").Click());
        cut.WaitForAssertion(() =>
        {
            Assert.Contains("An email address is required.", cut.Markup);
            Assert.Contains("A password is required.", cut.Markup);
        });

        cut.Find("input#new-user-email").Change("bo@example.test");
        cut.Find("input#new-user-password").Change("long enough password");
        await cut.InvokeAsync(() => cut.Find("#create-user").Click());
        cut.WaitForAssertion(() => Assert.Equal("Email 'bo@example.test' is already taken.", cut.Find("#new-user-error").TextContent.Trim()));
    }

    /// <summary>
    /// After a user is created the form starts again: empty fields and the default role, shown in the select (MudForm's
    /// reset used to set the select to no role at all, so it showed blank and the next user was sent without one).
    /// </summary>
    [Fact]
    public async Task After_a_user_is_created_the_form_is_empty_and_the_role_select_shows_the_default_role_again()
    {
        var sent = new List<(string Email, string Role)>(); // what each call was given, at the time
        var cut = Render<NewUserForm>(p => p.Add(f => f.OnCreate, m => { sent.Add((m.Email, m.Role)); return Task.FromResult<string?>(null); }));
        Assert.Equal("Operator", RoleShown(cut));

        cut.Find("input#new-user-email").Change("cy@example.test");
        cut.Find("input#new-user-password").Change("long enough password");
        await cut.InvokeAsync(() => cut.Find("#create-user").Click());
        cut.WaitForAssertion(() => Assert.Single(sent));
        Assert.Equal(("cy@example.test", "Operator"), sent[0]);

        cut.WaitForAssertion(() => Assert.Equal("", cut.Find("input#new-user-email").GetAttribute("value") ?? ""));
        Assert.Equal("Operator", RoleShown(cut));
        Assert.Equal("", cut.Find("input#new-user-password").GetAttribute("value") ?? "");
        Assert.DoesNotContain("is required", cut.Markup); // emptied, not judged

        cut.Find("input#new-user-email").Change("di@example.test");
        cut.Find("input#new-user-password").Change("another long password");
        await cut.InvokeAsync(() => cut.Find("#create-user").Click());
        cut.WaitForAssertion(() => Assert.Equal(2, sent.Count));
        Assert.Equal(("di@example.test", "Operator"), sent[1]); // not a user without a role
    }

    /// <summary>The text the role select shows (MudSelect draws it in its combobox element; a blank input when it has none).</summary>
    private static string RoleShown(IRenderedComponent<NewUserForm> cut) =>
        cut.Find("[role=combobox]") is var shown && shown is AngleSharp.Html.Dom.IHtmlInputElement input ? input.Value : shown.TextContent.Trim();
}
