using System.Security.Claims;

namespace SonicWeb.Jobs.Lifecycle;

/// <summary>Queue the full render of a "preview first" job whose preview the user accepted.</summary>
public sealed record ConfirmJob(string JobId, ClaimsPrincipal User);

/// <summary>Stop a job that is being checked, waits or runs.</summary>
public sealed record CancelJob(string JobId, ClaimsPrincipal User);

/// <summary>Run a failed or cancelled job again with the same inputs and parameters.</summary>
public sealed record RetryJob(string JobId, ClaimsPrincipal User);

/// <summary>Make a new job, owned by the user, with the same inputs and parameters as any existing one.</summary>
public sealed record RerunJob(string JobId, ClaimsPrincipal User);

/// <summary>Remove a job with its files (stopping it first if it runs).</summary>
public sealed record DeleteJob(string JobId, ClaimsPrincipal User);
