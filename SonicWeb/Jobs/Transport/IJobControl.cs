namespace SonicWeb.Jobs.Transport;

/// <summary>
/// Stopping a job's work wherever it runs: its render in a worker, or the background check of its
/// upload. The process doing the work registers how to stop it; a cancel or delete asks for the stop
/// by job id. In process (<see cref="InProcessJobControl"/>) that is a table of cancellation handles;
/// across machines, a message that reaches the process running the job.
/// </summary>
public interface IJobControl
{
    /// <summary>Work on the job has started here; <paramref name="stop"/> cancels it. Dispose the result when the work ends.</summary>
    IDisposable Register(string jobId, Action stop);

    /// <summary>Asks whoever works on the job to stop. True when the request reached work that was running.</summary>
    Task<bool> StopAsync(string jobId, CancellationToken ct);
}
