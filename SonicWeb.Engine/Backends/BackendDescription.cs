using SonicWeb.Engine.Pipeline;

namespace SonicWeb.Engine.Backends;

/// <summary>
/// The largest job a backend takes: longest audio and video, and the range of output resolutions.
/// Inputs outside them are refused by the backend's inspection with the limit named.
/// </summary>
public sealed record BackendLimits(double MaxAudioSeconds, double MaxVideoSeconds, int MinResolution, int MaxResolution);

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
}
