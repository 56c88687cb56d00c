using SonicWeb.Data;

namespace SonicWeb.Jobs;

/// <summary>How a job's status and stage read for people, written once for the pages and the API.</summary>
public static class JobStatusText
{
    /// <summary>The status in words: "Awaiting confirmation", "Held until its batch is checked", ...</summary>
    public static string Status(JobStatus status) => status switch
    {
        JobStatus.AwaitingConfirmation => "Awaiting confirmation",
        JobStatus.Checking => "Checking the photo and the audio",
        JobStatus.Held => "Held until its batch is checked",
        _ => status.ToString(),
    };

    /// <summary>A finished job whose files the retention policy removed: the row stays in the history.</summary>
    public static string Expired(JobStatus status) => $"{Status(status)}, expired (files removed)";

    /// <summary>The stage the job is in, or what it waits for when it has none yet.</summary>
    public static string Stage(JobStatus status, string? stage) =>
        stage ?? (status == JobStatus.Checking ? "checking the photo and the audio" : "waiting");
}
