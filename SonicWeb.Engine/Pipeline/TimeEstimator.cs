using System.Collections.Concurrent;

namespace SonicWeb.Engine.Pipeline;

/// <summary>One finished job, as the estimator learns from it.</summary>
public sealed record TimingSample(double AudioSeconds, int Resolution, int InferenceSteps, double ElapsedSeconds);

/// <summary>
/// Cost model of one backend: seconds = Overhead + PerWorkUnit x work, where
/// work = audio seconds x (resolution/512)^2 x (steps/20)^StepExponent.
/// Sonic's published rule of thumb (the product's specification) is Overhead 0, PerWorkUnit 8 x 1.5 = 12, StepExponent 1.
/// As a prior, <paramref name="PriorWeight"/> is how many finished jobs it counts as when the fit is blended with it.
/// </summary>
public sealed record CostModel(double OverheadSeconds, double SecondsPerWorkUnit, double StepExponent, int SampleCount = 0, double PriorWeight = 3)
{
    public double WorkUnits(double audioSeconds, int resolution, int steps)
        => audioSeconds * Math.Pow(resolution / 512.0, 2) * Math.Pow(steps / 20.0, StepExponent);

    public double Estimate(double audioSeconds, int resolution, int steps)
        => OverheadSeconds + SecondsPerWorkUnit * WorkUnits(audioSeconds, resolution, steps);
}

/// <summary>
/// Estimates how long a job takes, per backend. Starts from a prior (Sonic's rule of thumb for
/// diffusion backends; a measured one for the built-in CPU animator) and, once finished jobs exist,
/// replaces it with a least-squares fit on their (work, seconds) pairs, shrunk towards the prior while
/// there are few samples so one odd job cannot swing the estimate.
/// </summary>
public sealed class TimeEstimator
{
    public const string BuiltInBackend = "builtin";
    public const string DiffusionBackend = "sonic-diffusion";

    /// <summary>
    /// Sonic's rule of thumb: duration x 8 x (resolution/512)^2 x (steps/20) x 1.5. It describes no particular
    /// GPU (they differ several-fold), so it counts as half a job: with a pseudo-count of 3 and a linear blend,
    /// a host 4x faster than the rule still had its estimates ~100 % too long after 5 jobs; now 5 jobs make
    /// 91 % of the model, blended geometrically, and the error is ~10 % (TimeEstimatorTests).
    /// </summary>
    public static readonly CostModel BriefPrior = new(0, 8 * 1.5, 1, PriorWeight: 0.5);

    /// <summary>
    /// Built-in animator on 2 CPU cores (see bench/ for the measurement): about 0.35 s of compute per
    /// second of audio at 512x512 plus start-up (models, face analysis); steps do not apply. Measured,
    /// so it keeps the default weight of 3 jobs.
    /// </summary>
    public static readonly CostModel BuiltInPrior = new(1.5, 0.35, 0);

    // Read by every estimate while the worker re-fits after each job: concurrent maps, and models are immutable records.
    private readonly ConcurrentDictionary<string, CostModel> _priors = new(StringComparer.OrdinalIgnoreCase)
    {
        [BuiltInBackend] = BuiltInPrior,
        [DiffusionBackend] = BriefPrior,
    };
    private readonly ConcurrentDictionary<string, CostModel> _fitted = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>What a backend's estimate starts from until it has finished jobs to fit (Sonic's rule of thumb for unknown backends).</summary>
    public CostModel PriorFor(string backend) => _priors.TryGetValue(backend, out var m) ? m : BriefPrior;

    /// <summary>Sets a backend's prior (a backend declares it when it is registered).</summary>
    public void RegisterPrior(string backend, CostModel prior) => _priors[backend] = prior;

    public CostModel ModelFor(string backend) => _fitted.TryGetValue(backend, out var m) ? m : PriorFor(backend);

    public double EstimateSeconds(string backend, double audioSeconds, int resolution, int steps)
        => Math.Max(0, ModelFor(backend).Estimate(audioSeconds, resolution, steps));

    /// <summary>Replaces the backend's model by one fitted to <paramref name="samples"/> (the prior when empty).</summary>
    public CostModel Fit(string backend, IReadOnlyCollection<TimingSample> samples)
    {
        var fitted = FitModel(PriorFor(backend), samples);
        _fitted[backend] = fitted;
        return fitted;
    }

    /// <summary>
    /// Least squares for seconds = a + b x work with a, b >= 0, then blended with the prior: with k samples
    /// the fit counts k/(k + prior.PriorWeight); the rate is blended geometrically (see <see cref="BlendRates"/>).
    /// Pure function: the unit tests drive it directly.
    /// </summary>
    public static CostModel FitModel(CostModel prior, IReadOnlyCollection<TimingSample> samples)
    {
        var valid = samples.Where(s => s.AudioSeconds > 0 && s.ElapsedSeconds > 0 && double.IsFinite(s.ElapsedSeconds)).ToList();
        if (valid.Count == 0) return prior;

        var x = valid.Select(s => prior.WorkUnits(s.AudioSeconds, s.Resolution, s.InferenceSteps)).ToArray();
        var y = valid.Select(s => s.ElapsedSeconds).ToArray();
        double meanX = x.Average(), meanY = y.Average();
        double sxx = x.Sum(v => (v - meanX) * (v - meanX));
        double sxy = x.Zip(y, (a, b) => (a - meanX) * (b - meanY)).Sum();

        double slope, intercept;
        if (valid.Count < 2 || sxx < 1e-9)
        {
            // One sample (or all the same size): keep the prior's overhead, fit the rate through it.
            intercept = Math.Min(prior.OverheadSeconds, meanY);
            slope = meanX > 0 ? (meanY - intercept) / meanX : prior.SecondsPerWorkUnit;
        }
        else
        {
            slope = sxy / sxx;
            intercept = meanY - slope * meanX;
            if (intercept < 0) { intercept = 0; slope = x.Zip(y, (a, b) => a * b).Sum() / x.Sum(v => v * v); }
            if (slope < 0) { slope = 0; intercept = meanY; }
        }

        double w = valid.Count / (valid.Count + prior.PriorWeight);
        return new CostModel(
            w * intercept + (1 - w) * prior.OverheadSeconds,
            BlendRates(slope, prior.SecondsPerWorkUnit, w),
            prior.StepExponent,
            valid.Count,
            prior.PriorWeight);
    }

    /// <summary>
    /// A host's speed is uncertain by a factor (GPUs differ several-fold), not by a number of seconds, so the
    /// rates are blended on a log scale: a prior 4x off pulls a well-fitted rate by a share of that factor
    /// instead of by a share of its much larger value. A zero rate (no measurable cost) blends linearly.
    /// </summary>
    private static double BlendRates(double fitted, double prior, double fitWeight) =>
        fitted > 0 && prior > 0
            ? Math.Exp(fitWeight * Math.Log(fitted) + (1 - fitWeight) * Math.Log(prior))
            : fitWeight * fitted + (1 - fitWeight) * prior;
}
