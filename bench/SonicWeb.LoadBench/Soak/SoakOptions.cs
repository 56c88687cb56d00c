namespace SonicWeb.LoadBench.Soak;

/// <summary>How long the soak runs, how often it reports, and how many simulated users of each kind run at once.</summary>
public sealed record SoakOptions
{
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(30);
    /// <summary>One report line (and one sample of the process) per interval.</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromMinutes(1);
    /// <summary>Submit a job (portrait + short recording, 256 px), poll it until it ends, download the video; again.</summary>
    public int Uploaders { get; init; } = 2;
    /// <summary>Browse the history page, the job list and job pages (server-rendered pages, cookie sign-in).</summary>
    public int Browsers { get; init; } = 3;
    /// <summary>Programs with an API key: list and read jobs, estimate, list presets.</summary>
    public int ApiClients { get; init; } = 2;
    /// <summary>Download finished videos and thumbnails.</summary>
    public int Downloaders { get; init; } = 1;
    /// <summary>Watch the newest job's live progress over the jobs hub (what an open job page receives).</summary>
    public int Watchers { get; init; } = 2;
    /// <summary>After the load stops: how long the accepted jobs may take to finish.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromMinutes(3);
}
