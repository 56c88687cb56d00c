namespace SonicWeb.Notifications;

/// <summary>
/// The events people are told about outside the app (by email): a job of theirs finished, a reviewer
/// decided on one of their videos, a batch of theirs is complete. Callers are the job runner, the review
/// code and the batch code. Implementations must return quickly and never throw: delivery happens
/// elsewhere, with retries, so a slow or absent mail server can never fail or delay a job.
/// </summary>
public interface IUserNotifications
{
    /// <summary>A job reached Succeeded or Failed (not called for cancellations or shutdown interruptions).</summary>
    Task JobFinishedAsync(string jobId, CancellationToken ct);

    /// <summary>A reviewer approved a video or requested changes.</summary>
    Task ReviewDecidedAsync(string jobId, CancellationToken ct);

    /// <summary>
    /// Every job of a batch reached a final state. Jobs that belong to a batch do not raise
    /// <see cref="JobFinishedAsync"/>: their owner gets one message for the whole batch.
    /// </summary>
    Task BatchFinishedAsync(BatchOutcome batch, CancellationToken ct);
}

/// <summary>Used until a delivery channel is configured: nobody is told anything.</summary>
public sealed class NoUserNotifications : IUserNotifications
{
    public Task JobFinishedAsync(string jobId, CancellationToken ct) => Task.CompletedTask;
    public Task ReviewDecidedAsync(string jobId, CancellationToken ct) => Task.CompletedTask;
    public Task BatchFinishedAsync(BatchOutcome batch, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>What a batch-complete message says: whose batch, its name, the counts and the page that shows it; FinishedAt is the mark it announces.</summary>
public sealed record BatchOutcome(string BatchId, string? OwnerId, string Name, int Succeeded, int Failed, int Cancelled, string PagePath, DateTime? FinishedAt = null);
