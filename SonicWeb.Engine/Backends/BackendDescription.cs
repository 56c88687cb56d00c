using System.Globalization;
using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Pipeline;

namespace SonicWeb.Engine.Backends;

/// <summary>
/// The largest job a backend takes: longest audio and video, and the range of output resolutions
/// (short side). A backend refuses inspected inputs outside them (<see cref="Enforce"/>), naming the limit.
/// </summary>
public sealed record BackendLimits(double MaxAudioSeconds, double MaxVideoSeconds, int MinResolution, int MaxResolution)
{
    /// <summary>Throws audio_too_long or invalid_parameter when the inspected job is beyond these limits.</summary>
    public void Enforce(InspectionResult job, string backend)
    {
        if (job.AudioSeconds > MaxAudioSeconds)
            throw new SonicEngineException(EngineErrorCodes.AudioTooLong, Text($"The audio is {job.AudioSeconds:0.###} s long; the {backend} backend takes at most {MaxAudioSeconds:0.###} s."));
        if (job.VideoSeconds > MaxVideoSeconds)
            throw new SonicEngineException(EngineErrorCodes.InvalidParameter, Text($"The video would be {job.VideoSeconds:0.###} s long; the {backend} backend makes at most {MaxVideoSeconds:0.###} s."));
        int shortSide = Math.Min(job.Layout.Width, job.Layout.Height);
        if (shortSide < MinResolution || shortSide > MaxResolution)
            throw new SonicEngineException(EngineErrorCodes.InvalidParameter, Text($"The video would be {shortSide} px on its short side; the {backend} backend makes {MinResolution}..{MaxResolution} px."));
    }

    private static string Text(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// What a backend is and offers, for the pages, the REST API and the estimator.
/// <see cref="HonouredParameters"/> names the <see cref="ParameterCatalog"/> entries the backend acts on
/// (the others are accepted and stored but change nothing, for example inference_steps on the built-in
/// animator). <see cref="EstimatePrior"/> is the cost model the <see cref="TimeEstimator"/> starts from
/// for this backend before it has history to fit.
/// </summary>
public sealed record BackendDescription(
    string Name,
    string Title,
    IReadOnlySet<string> HonouredParameters,
    BackendLimits Limits,
    CostModel EstimatePrior)
{
    public bool Honours(string parameter) => HonouredParameters.Contains(parameter);

    /// <summary>
    /// Parameter values (API names, invariant text) that this backend's own defaults use where they differ from
    /// SonicWeb's (<see cref="ParameterCatalog"/>): a job that does not set one of these gets the backend's value.
    /// </summary>
    public IReadOnlyDictionary<string, string> ParameterDefaults { get; init; } = new Dictionary<string, string>();

    /// <summary>For parameters it does not honour, why (the page shows it beside the disabled field).</summary>
    public IReadOnlyDictionary<string, string> NotHonouredBecause { get; init; } = new Dictionary<string, string>();
}
