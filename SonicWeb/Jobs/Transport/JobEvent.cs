using System.Text.Json.Serialization;
using SonicWeb.Data;

namespace SonicWeb.Jobs.Transport;

/// <summary>
/// Something that happened to one job, as watchers (pages, the SignalR hub, waiting requests) receive it.
/// Between nodes it travels as JSON with its type named by "type" (<see cref="JobEventJson"/>).
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(JobProgressed), "progress")]
[JsonDerivedType(typeof(JobStatusChanged), "status")]
[JsonDerivedType(typeof(JobFinished), "finished")]
public abstract record JobEvent(string JobId);

/// <summary>A render made progress: stage, frames done of total, times, the newest preview's URL.</summary>
public sealed record JobProgressed(JobProgressMessage Progress) : JobEvent(Progress.JobId);

/// <summary>The job's row changed state (queued, running, confirmed, checked, retried, finished): its view now.</summary>
public sealed record JobStatusChanged(JobView Job) : JobEvent(Job.Id);

/// <summary>How a job's run ended, or that it was deleted before it ended.</summary>
public enum JobEnd { Succeeded, Failed, Cancelled, Deleted }

/// <summary>
/// A job reached a final state (or was deleted unfinished): raised once per ending, by
/// <see cref="Finishing.JobFinishing"/>, after the row says so. <see cref="Job"/> is the final view (null
/// when deleted); <see cref="Reused"/> tells that the video was copied from an identical earlier job.
/// </summary>
public sealed record JobFinished(string JobId, JobEnd End, string? BatchId, JobView? Job, bool Reused = false) : JobEvent(JobId)
{
    public static JobEnd EndOf(JobStatus status) => status switch
    {
        JobStatus.Succeeded => JobEnd.Succeeded,
        JobStatus.Failed => JobEnd.Failed,
        JobStatus.Cancelled => JobEnd.Cancelled,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "not a final state"),
    };
}
