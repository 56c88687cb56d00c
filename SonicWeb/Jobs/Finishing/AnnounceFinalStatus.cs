using SonicWeb.Jobs.Transport;

namespace SonicWeb.Jobs.Finishing;

/// <summary>Watchers of the job (its page, the SignalR hub's clients) get its final state as a status event.</summary>
public sealed class AnnounceFinalStatus(IJobEvents events) : IJobFinishedHandler
{
    public Task HandleAsync(JobFinished finished, CancellationToken ct) =>
        finished.Job is { } view ? events.PublishAsync(new JobStatusChanged(view)) : Task.CompletedTask;
}
