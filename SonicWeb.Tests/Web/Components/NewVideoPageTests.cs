using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using SonicWeb.Accounts;
using SonicWeb.Engine.Backends;
using SonicWeb.Engine.Backends.BuiltIn;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Engine.Models;
using SonicWeb.Jobs;
using SonicWeb.Jobs.Lifecycle;
using SonicWeb.Jobs.Submission;
using SonicWeb.Tests.Web;

namespace SonicWeb.Tests.Web.Components;

/// <summary>
/// The new video page's logic with bUnit: the estimate recomputed in the component as parameters change, the server's
/// parameter checks shown beside the field that caused them, missing files named beside their pickers, and the submit
/// rule checked again when acting. The job services (estimates, submission, engine) are the real app's, from a
/// <see cref="WebTestHost"/> behind the test context.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class NewVideoPageTests : ComponentTestContext
{
    private readonly WebTestHost _host = new();

    public NewVideoPageTests()
    {
        // The app's own job services (singletons) over the host's database and storage.
        foreach (var type in new[] { typeof(JobEstimates), typeof(JobSubmission), typeof(JobLifecycle), typeof(JobQueries), typeof(InputPreview),
                     typeof(StagedInputs), typeof(ModelStore) })
            Services.AddSingleton(type, _host.Services.GetRequiredService(type));
        // The page lists the backends it may choose from: the built-in one alone here, as in a default installation.
        var builtIn = _host.Services.GetRequiredService<BuiltInBackend>();
        Services.AddSingleton(new GenerationBackends([builtIn], BuiltInBackend.Name, _host.Services.GetRequiredService<TimeEstimator>()));
    }

    private IRenderedComponent<SonicWeb.Components.Pages.Home> RenderPage()
    {
        Render<MudPopoverProvider>();
        return Render<SonicWeb.Components.Pages.Home>();
    }

    private static string Estimate(IRenderedComponent<SonicWeb.Components.Pages.Home> cut) => cut.Find("#estimate").TextContent.Trim();

    [Fact]
    public void The_estimate_follows_every_parameter_change_without_a_request()
    {
        SignIn("operator-id", "Olga", Roles.Operator);
        var cut = RenderPage();
        cut.WaitForAssertion(() => Assert.Equal("choose an audio file", Estimate(cut)));

        cut.Find("input#p-duration").Input("4");
        cut.WaitForAssertion(() => Assert.Contains("for 4.0 s of video at 768 × 768", Estimate(cut)));
        var at768 = Estimate(cut);

        cut.Find("input#p-min_resolution").Input("384");
        cut.WaitForAssertion(() => Assert.Contains("for 4.0 s of video at 384 × 384", Estimate(cut)));
        Assert.NotEqual(at768.Split(" for ")[0], Estimate(cut).Split(" for ")[0]); // fewer pixels, less time

        cut.Find("input#p-duration").Input("12");
        cut.WaitForAssertion(() => Assert.Contains("for 12.0 s of video at 384 × 384", Estimate(cut)));
    }

    [Fact]
    public async Task A_wrong_value_is_named_beside_its_field_and_missing_files_beside_their_pickers()
    {
        SignIn("operator-id", "Olga", Roles.Operator);
        var cut = RenderPage();
        cut.Find("input#p-duration").Input("4");
        cut.Find("input#p-min_resolution").Input("100");
        cut.WaitForAssertion(() =>
        {
            var field = cut.Find("input#p-min_resolution").Closest(".mud-input-control")!;
            Assert.Contains("min_resolution", field.QuerySelector(".mud-input-error")?.TextContent ?? "");
            Assert.Contains(ParameterCatalog.MinResolution.HardRange, field.TextContent);
        });
        Assert.Equal("–", Estimate(cut));
        Assert.Null(cut.Find("input#p-inference_steps").Closest(".mud-input-control")!.QuerySelector(".mud-input-error"));

        cut.Find("input#p-min_resolution").Input("512"); // corrected: the message goes, the estimate comes back
        cut.WaitForAssertion(() => Assert.Contains("at 512 × 512", Estimate(cut)));
        Assert.Null(cut.Find("input#p-min_resolution").Closest(".mud-input-control")!.QuerySelector(".mud-input-error"));

        await cut.InvokeAsync(() => cut.Find("#submit").Click());
        cut.WaitForAssertion(() => Assert.Equal("Choose a portrait photo.", cut.Find("#image-problem").TextContent.Trim()));
        Assert.Equal("Choose a voice recording.", cut.Find("#audio-problem").TextContent.Trim());
        Assert.Equal(0, await _host.Services.GetRequiredService<JobQueries>().QueuedCountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_page_opened_as_operator_refuses_to_submit_once_the_user_may_no_longer_and_one_backend_shows_no_picker()
    {
        SignIn("operator-id", "Olga", Roles.Operator);
        var cut = RenderPage();
        cut.WaitForAssertion(() => Assert.Equal("Olga", cut.Find("input#submitter").GetAttribute("value")));
        Assert.Empty(cut.FindAll("#backend")); // only one backend: nothing to choose

        SignIn("operator-id", "Olga", Roles.Reviewer); // the role changed while the page was open
        await cut.InvokeAsync(() => cut.Find("#submit").Click());
        cut.WaitForAssertion(() => Assert.Contains("Only operators and admins make videos", cut.Find("#errors").TextContent));
        Assert.Empty(cut.FindAll("#image-problem")); // refused before looking at the form
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        _host.Dispose();
    }
}
