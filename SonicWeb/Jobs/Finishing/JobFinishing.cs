using SonicWeb.Jobs.Transport;

namespace SonicWeb.Jobs.Finishing;

/// <summary>
/// The one place where "a job ended" is raised. Whoever writes a job's final state (the runner after a
/// run, the background check when it fails or reuses a video, a cancel before the job started, the
/// submission when it reuses a video) or deletes an unfinished job calls this once, after the row is
/// committed; it runs every <see cref="IJobFinishedHandler"/> in order and then tells the job's
/// watchers (<see cref="IJobEvents"/>), so requests waiting for the job see the handlers' work done.
/// </summary>
public sealed class JobFinishing(IEnumerable<IJobFinishedHandler> handlers, IJobEvents events, JobQueries queries, ILogger<JobFinishing> log)
{
    private readonly IJobFinishedHandler[] _handlers = handlers.ToArray();

    /// <summary>The job's row is in a final state (Succeeded, Failed or Cancelled).</summary>
    public async Task FinishedAsync(string jobId, bool reused = false)
    {
        var view = await queries.GetAsync(jobId, CancellationToken.None);
        if (view is null) return; // deleted meanwhile: the delete raises the event
        await RaiseAsync(new JobFinished(jobId, JobFinished.EndOf(view.Status), view.BatchId, view, reused));
    }

    /// <summary>An unfinished job (queued, checking, waiting or running) was deleted with its files.</summary>
    public Task DeletedAsync(string jobId, string? batchId) => RaiseAsync(new JobFinished(jobId, JobEnd.Deleted, batchId, null));

    private async Task RaiseAsync(JobFinished finished)
    {
        foreach (var handler in _handlers)
        {
            try { await handler.HandleAsync(finished, CancellationToken.None); }
            catch (Exception e) { log.LogError(e, "{Handler} failed for job {JobId} ({End})", handler.GetType().Name, finished.JobId, finished.End); }
        }
        await events.PublishAsync(finished);
    }
}
