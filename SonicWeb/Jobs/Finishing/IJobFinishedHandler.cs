using SonicWeb.Jobs.Transport;

namespace SonicWeb.Jobs.Finishing;

/// <summary>
/// Something the app does once each time a job ends: announce its final state, re-fit the estimator,
/// complete its batch, email its owner. Handlers are registered as services and run in registration
/// order by <see cref="JobFinishing"/>; one that throws is logged and the others still run.
/// </summary>
public interface IJobFinishedHandler
{
    Task HandleAsync(JobFinished finished, CancellationToken ct);
}
