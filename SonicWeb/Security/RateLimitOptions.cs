namespace SonicWeb.Security;

/// <summary>
/// Configuration section "RateLimits": how many requests of each kind one address and one user (or API
/// key) may make per window. Over the limit the request is answered 429 with Retry-After at once (no
/// queueing). 0 turns a limit off.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Sign-in attempts (POST /account/login) per address; the per-account lockout (Accounts:Lockout*) counts per account.</summary>
    public int SignInPerIp { get; set; } = 10;
    public int SignInWindowSeconds { get; set; } = 60;

    /// <summary>New jobs and batches (POST /api/jobs, /api/batches, /api/sonic/generate) per user and per address.</summary>
    public int SubmitPerUser { get; set; } = 30;
    public int SubmitPerIp { get; set; } = 60;
    public int SubmitWindowSeconds { get; set; } = 60;

    /// <summary>Any /api request per user (cookie or API key) and per address.</summary>
    public int ApiPerUser { get; set; } = 1200;
    public int ApiPerIp { get; set; } = 2400;
    public int ApiWindowSeconds { get; set; } = 60;
}

/// <summary>Configuration section "Queue": how much unfinished work the installation and one user may hold.</summary>
public sealed class QueueLimitOptions
{
    public const string Section = "Queue";

    /// <summary>Unfinished jobs (checking, held, awaiting confirmation, queued, running) of all users together.</summary>
    public int MaxUnfinishedJobs { get; set; } = 1000;

    /// <summary>Unfinished jobs of one user; a batch counts with all its pairs (so at least Batches:MaxItems).</summary>
    public int MaxUnfinishedJobsPerUser { get; set; } = 200;

    /// <summary>The Retry-After sent with a queue-full answer.</summary>
    public int RetryAfterSeconds { get; set; } = 60;
}
