using Microsoft.EntityFrameworkCore;
using SonicWeb.Data;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Jobs.Finishing;
using SonicWeb.Jobs.Transport;

namespace SonicWeb.Jobs.Running;

/// <summary>
/// Keeps the <see cref="TimeEstimator"/> the backends share fitted to this installation: per backend,
/// from its finished jobs, at start-up and whenever a job succeeds (a video copied from an identical
/// job teaches nothing and is skipped).
/// </summary>
public sealed class EstimatorService(TimeEstimator estimator, IDbContextFactory<SonicDbContext> db, ILogger<EstimatorService> log) : IJobFinishedHandler
{
    /// <summary>Most recent jobs per backend that the fit uses: newer hardware or code should win quickly.</summary>
    public const int SampleLimit = 200;

    private readonly SemaphoreSlim _fitLock = new(1, 1);

    public TimeEstimator Estimator => estimator;

    public double Estimate(string backend, double videoSeconds, int resolution, int steps)
        => Estimator.EstimateSeconds(backend, videoSeconds, resolution, steps);

    public async Task RefitAsync(CancellationToken ct = default)
    {
        await _fitLock.WaitAsync(ct);
        try
        {
            await using var context = await db.CreateDbContextAsync(ct);
            var rows = await context.Jobs.AsNoTracking()
                .Where(j => j.Status == JobStatus.Succeeded && j.GenerationSeconds != null && j.ReusedFromJobId == null)
                .OrderByDescending(j => j.FinishedAt)
                .Select(j => new { j.Backend, j.VideoSeconds, j.Width, j.Height, j.ParametersJson, Seconds = j.GenerationSeconds!.Value })
                .Take(SampleLimit * 4)
                .ToListAsync(ct);
            foreach (var group in rows.GroupBy(r => r.Backend))
            {
                var samples = group.Take(SampleLimit)
                    .Select(r => new TimingSample(r.VideoSeconds, Math.Min(r.Width, r.Height),
                        JobParameters.Deserialize(r.ParametersJson).InferenceSteps, r.Seconds))
                    .ToList();
                var model = Estimator.Fit(group.Key, samples);
                log.LogInformation("Estimator for {Backend} fitted on {Samples} jobs: {Overhead:0.00} s + {Rate:0.000} s per work unit",
                    group.Key, samples.Count, model.OverheadSeconds, model.SecondsPerWorkUnit);
            }
        }
        finally { _fitLock.Release(); }
    }

    public Task HandleAsync(JobFinished finished, CancellationToken ct) =>
        finished.End == JobEnd.Succeeded && !finished.Reused ? RefitAsync(ct) : Task.CompletedTask;
}
