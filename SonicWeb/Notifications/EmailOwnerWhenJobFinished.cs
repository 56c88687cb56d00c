using SonicWeb.Jobs.Finishing;
using SonicWeb.Jobs.Transport;

namespace SonicWeb.Notifications;

/// <summary>
/// The owner hears about a job that succeeded or failed (not about a cancel or a delete they made).
/// Jobs of a batch send nothing each: the batch sends one message when all of them are done.
/// </summary>
public sealed class EmailOwnerWhenJobFinished(IUserNotifications notifications) : IJobFinishedHandler
{
    public Task HandleAsync(JobFinished finished, CancellationToken ct) =>
        finished.BatchId is null && finished.End is JobEnd.Succeeded or JobEnd.Failed
            ? notifications.JobFinishedAsync(finished.JobId, ct)
            : Task.CompletedTask;
}
