using SonicWeb.Components.Shared.Parameters;
using SonicWeb.Jobs;

namespace SonicWeb.Tests.Web.Components;

/// <summary>The new video form's parameters when the backend changes: untouched fields follow the backend's own defaults.</summary>
public sealed class ParameterDraftTests
{
    private static readonly Dictionary<string, string> SonicDefaults = new() { ["expand_ratio"] = "0.5", ["inference_steps"] = "25", ["dynamic_scale"] = "1.0" };
    private static readonly Dictionary<string, string> BuiltInDefaults = new();

    [Fact]
    public void A_draft_starts_at_the_backends_defaults_and_the_binder_reads_them_back()
    {
        var draft = ParameterDraft.Defaults(backendDefaults: SonicDefaults);
        Assert.Equal(0.5, draft.Number("expand_ratio"));
        Assert.Equal(25, draft.Number("inference_steps"));
        Assert.Equal(1.05, draft.Number("motion_scale")); // not a Sonic default: SonicWeb's
        var bound = ParameterBinder.Bind(draft.Fields(), SonicDefaults);
        Assert.Equal(0.5, bound.ExpandRatio);
        Assert.Equal(25, bound.InferenceSteps);
    }

    [Fact]
    public void Switching_the_backend_moves_untouched_fields_and_keeps_the_ones_the_user_set()
    {
        var draft = ParameterDraft.Defaults(backendDefaults: BuiltInDefaults);
        draft.SetNumber("inference_steps", 40); // the user's choice
        draft.SwitchBackendDefaults(BuiltInDefaults, SonicDefaults);
        Assert.Equal(0.5, draft.Number("expand_ratio"));
        Assert.Equal(1.0, draft.Number("dynamic_scale"));
        Assert.Equal(40, draft.Number("inference_steps"));

        draft.SwitchBackendDefaults(SonicDefaults, BuiltInDefaults);
        Assert.Equal(0.15, draft.Number("expand_ratio"));
        Assert.Equal(1.1, draft.Number("dynamic_scale"));
        Assert.Equal(40, draft.Number("inference_steps"));
    }

    [Fact]
    public void The_binder_applies_backend_defaults_only_where_nothing_was_given()
    {
        var given = ParameterBinder.Bind(new Dictionary<string, string> { ["expand_ratio"] = "0.2", ["config"] = "{\"inference_steps\": 12}", ["dynamic_scale"] = " " }, SonicDefaults);
        Assert.Equal(0.2, given.ExpandRatio);
        Assert.Equal(12, given.InferenceSteps);
        Assert.Equal(1.0, given.DynamicScale);
        var none = ParameterBinder.Bind(new Dictionary<string, string>());
        Assert.Equal(0.15, none.ExpandRatio);
        Assert.Equal(20, none.InferenceSteps);
    }
}
