using SonicWeb.Data;

namespace SonicWeb.Jobs.Transport;

/// <summary>
/// A job one worker slot won: the row as claimed (Running, its attempt counted) and, for a queue that
/// carries messages, what it needs to acknowledge the claim later (<see cref="IJobQueue.CompleteAsync"/>).
/// </summary>
public sealed record ClaimedJob(Job Job, object? Receipt = null);
