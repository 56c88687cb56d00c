namespace SonicWeb.Jobs.Transport;

/// <summary>
/// Live job events for whoever watches: progress, status changes and the end of a job. Pages (one
/// subscription per job they show), the SignalR hub's bridge (every job) and requests waiting for a
/// result subscribe, and dispose the subscription when they stop watching. In process today
/// (<see cref="InProcessJobEvents"/>); across machines a broker or Redis carries them to every web node.
/// </summary>
public interface IJobEvents
{
    /// <summary>Delivers the event to the subscribers of its job and of all jobs; a failing subscriber never fails the publisher.</summary>
    Task PublishAsync(JobEvent e);

    /// <summary>
    /// Calls <paramref name="onEvent"/> for each event of job <paramref name="jobId"/> (every job when null),
    /// in the order they were published, until the returned subscription is disposed.
    /// </summary>
    IDisposable Subscribe(string? jobId, Func<JobEvent, Task> onEvent);
}
