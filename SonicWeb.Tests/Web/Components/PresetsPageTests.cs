using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using SonicWeb.Accounts;

using SonicWeb.Presets;

namespace SonicWeb.Tests.Web.Components;

/// <summary>The presets page over the real PresetService: the service's refusal shown on the form, a saved preset listed, and the admin rule checked again when acting.</summary>
public sealed class PresetsPageTests : ComponentTestContext
{
    [Fact]
    public async Task Fields_hold_values_to_the_allowed_range_a_taken_name_is_refused_with_the_services_message_and_a_good_preset_is_listed()
    {
        SignIn("admin-id", "Ada", Roles.Admin);
        Render<MudPopoverProvider>();
        var cut = Render<SonicWeb.Components.Pages.Admin.Presets>();
        cut.WaitForAssertion(() => Assert.Contains("No presets yet.", cut.Markup));

        cut.Find("input#preset-name").Change("Tiny");
        cut.Find("input#p-min_resolution").Change("5"); // below the hard minimum: the field holds it at 256
        cut.WaitForAssertion(() => Assert.Equal("256", cut.Find("input#p-min_resolution").GetAttribute("value")));
        cut.Find("input#p-min_resolution").Change("320");
        await cut.InvokeAsync(() => cut.Find("#save-preset").Click());
        cut.WaitForAssertion(() => Assert.Equal("Preset 'Tiny' created.", cut.Find("#message").TextContent.Trim()));
        Assert.Contains("min_resolution = 320", cut.Find("#presets").TextContent);
        var stored = Assert.Single(await Services.GetRequiredService<PresetService>().ListAsync());
        Assert.Equal("""{"min_resolution":320}""", stored.Parameters.GetRawText());

        // Names are unique regardless of case: the service refuses, the page shows its reason.
        cut.Find("input#preset-name").Change("TINY");
        await cut.InvokeAsync(() => cut.Find("#save-preset").Click());
        cut.WaitForAssertion(() => Assert.Contains("already exists", cut.Find("#error").TextContent));
        Assert.Single(await Services.GetRequiredService<PresetService>().ListAsync());
    }

    [Fact]
    public async Task Editing_a_preset_that_names_a_backend_keeps_the_backend_and_shows_it_in_the_picker()
    {
        var presets = Services.GetRequiredService<PresetService>();
        await presets.CreateAsync("On the GPU", null, """{"min_resolution": 512, "backend": "comfyui-sonic"}""");
        SignIn("admin-id", "Ada", Roles.Admin);
        Render<MudPopoverProvider>();
        var cut = Render<SonicWeb.Components.Pages.Admin.Presets>();
        cut.WaitForAssertion(() => Assert.Contains("backend = comfyui-sonic", cut.Find("#presets").TextContent));

        await cut.InvokeAsync(() => cut.Find(".edit-preset").Click());
        cut.WaitForAssertion(() => Assert.Contains("comfyui-sonic", cut.Find("#preset-form").InnerHtml));
        cut.Find("input#p-min_resolution").Change("640");
        await cut.InvokeAsync(() => cut.Find("#save-preset").Click());
        cut.WaitForAssertion(() => Assert.Equal("Preset 'On the GPU' saved.", cut.Find("#message").TextContent.Trim()));
        var stored = Assert.Single(await presets.ListAsync());
        Assert.Equal("""{"min_resolution":640,"backend":"comfyui-sonic"}""", stored.Parameters.GetRawText());
    }

    [Fact]
    public async Task A_page_opened_as_admin_refuses_to_save_once_the_user_no_longer_passes_the_admin_policy()
    {
        SignIn("admin-id", "Ada", Roles.Admin);
        Render<MudPopoverProvider>();
        var cut = Render<SonicWeb.Components.Pages.Admin.Presets>();
        SignIn("admin-id", "Ada", Roles.Operator); // demoted while the page was open
        cut.Find("input#preset-name").Change("Sneaky");
        await cut.InvokeAsync(() => cut.Find("#save-preset").Click());
        cut.WaitForAssertion(() => Assert.Equal("Only admins manage presets.", cut.Find("#error").TextContent.Trim()));
        Assert.Empty(await Services.GetRequiredService<PresetService>().ListAsync());
    }
}
