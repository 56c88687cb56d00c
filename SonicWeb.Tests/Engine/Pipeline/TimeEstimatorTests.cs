using SonicWeb.Engine.Pipeline;

namespace SonicWeb.Tests.Engine.Pipeline;

public class TimeEstimatorTests
{
    [Fact]
    public void The_prior_for_diffusion_backends_is_the_brief_formula()
    {
        var estimator = new TimeEstimator();
        // 10 s x 8 x (1024/512)^2 x (30/20) x 1.5 = 720 s
        Assert.Equal(720, estimator.EstimateSeconds(TimeEstimator.DiffusionBackend, 10, 1024, 30), 6);
        Assert.Equal(120, estimator.EstimateSeconds(TimeEstimator.DiffusionBackend, 10, 512, 20), 6);
        Assert.Equal(120, estimator.EstimateSeconds("unknown-backend", 10, 512, 20), 6);
    }

    [Fact]
    public void The_builtin_prior_ignores_steps()
    {
        var estimator = new TimeEstimator();
        Assert.Equal(estimator.EstimateSeconds(TimeEstimator.BuiltInBackend, 10, 512, 20),
                     estimator.EstimateSeconds(TimeEstimator.BuiltInBackend, 10, 512, 30));
    }

    [Fact]
    public void Fitting_many_exact_samples_recovers_the_true_coefficients_closely()
    {
        // Truth: 2 s overhead + 3 s per work unit.
        var samples = new List<TimingSample>();
        foreach (var seconds in new[] { 5.0, 10, 20, 40 })
        foreach (var res in new[] { 512, 768, 1024 })
            samples.Add(new TimingSample(seconds, res, 20, 2 + 3 * seconds * Math.Pow(res / 512.0, 2)));
        var model = TimeEstimator.FitModel(TimeEstimator.BriefPrior with { PriorWeight = 3 }, samples);
        // 12 samples against a prior weight of 3: 80 % fit, 20 % prior (the rate on a log scale).
        Assert.Equal(0.8 * 2 + 0.2 * 0, model.OverheadSeconds, 6);
        Assert.Equal(Math.Pow(3, 0.8) * Math.Pow(12, 0.2), model.SecondsPerWorkUnit, 6);
        Assert.Equal(12, model.SampleCount);
    }

    [Fact]
    public void Fit_replaces_the_backend_model_and_moves_estimates_towards_measurements()
    {
        var estimator = new TimeEstimator();
        var before = estimator.EstimateSeconds(TimeEstimator.DiffusionBackend, 10, 512, 20);
        var samples = Enumerable.Range(0, 30).Select(i => new TimingSample(10, 512, 20, 30)).ToList();
        estimator.Fit(TimeEstimator.DiffusionBackend, samples);
        var after = estimator.EstimateSeconds(TimeEstimator.DiffusionBackend, 10, 512, 20);
        Assert.Equal(120, before, 6);
        Assert.InRange(after, 30, 40);
    }

    [Fact]
    public void Sonics_rule_of_thumb_gives_way_to_a_few_jobs_of_a_much_faster_gpu()
    {
        // A GPU 4x faster than the rule (1 s + 3 s per unit): 5 jobs of mixed sizes, then a bigger, different one.
        var samples = new[] { (2.5, 256, 20), (2.5, 384, 20), (2.5, 256, 30), (4.0, 384, 10), (2.5, 512, 10) }
            .Select(j => new TimingSample(j.Item1, j.Item2, j.Item3, 1 + 3 * TimeEstimator.BriefPrior.WorkUnits(j.Item1, j.Item2, j.Item3)))
            .ToList();
        var model = TimeEstimator.FitModel(TimeEstimator.BriefPrior, samples);
        double truth = 1 + 3 * model.WorkUnits(6, 448, 15);
        Assert.InRange(Math.Abs(model.Estimate(6, 448, 15) - truth) / truth, 0, 0.15);
        // With the pseudo-count of 3 jobs it had before, still ~60 % too long after 5 jobs (~100 % with the old linear blend).
        var old = TimeEstimator.FitModel(TimeEstimator.BriefPrior with { PriorWeight = 3 }, samples);
        Assert.True(Math.Abs(old.Estimate(6, 448, 15) - truth) / truth > 0.4);
    }

    [Fact]
    public void No_or_invalid_samples_keep_the_prior()
    {
        Assert.Equal(TimeEstimator.BriefPrior, TimeEstimator.FitModel(TimeEstimator.BriefPrior, []));
        Assert.Equal(TimeEstimator.BriefPrior, TimeEstimator.FitModel(TimeEstimator.BriefPrior, [new TimingSample(0, 512, 20, 10), new TimingSample(5, 512, 20, double.NaN)]));
    }

    [Fact]
    public void Coefficients_never_go_negative()
    {
        // Bigger jobs finishing faster (noise) must not produce a negative rate.
        var samples = new[] { new TimingSample(1, 512, 20, 50), new TimingSample(100, 512, 20, 10) };
        var model = TimeEstimator.FitModel(TimeEstimator.BriefPrior, samples);
        Assert.True(model.SecondsPerWorkUnit >= 0);
        Assert.True(model.OverheadSeconds >= 0);
    }
}
