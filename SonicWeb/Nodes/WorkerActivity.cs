using System.Collections.Concurrent;

namespace SonicWeb.Nodes;

/// <summary>
/// What this node's worker is doing right now: the jobs its slots run, whether it is draining (stopping:
/// no new job, the current ones finish) and how many jobs it finished. Written by the GenerationWorker,
/// read by the heartbeat, /health and /metrics.
/// </summary>
public sealed class WorkerActivity
{
    private readonly ConcurrentDictionary<string, DateTime> _running = new(StringComparer.Ordinal);
    private int _finished;

    /// <summary>Slots the worker runs (0 on a web node).</summary>
    public int Slots { get; set; }
    public bool Draining { get; private set; }
    public int JobsFinished => Volatile.Read(ref _finished);
    public IReadOnlyCollection<string> RunningJobs => _running.Keys.Order(StringComparer.Ordinal).ToList();

    public void Started(string jobId) => _running[jobId] = DateTime.UtcNow;

    public void Ended(string jobId, bool finished)
    {
        _running.TryRemove(jobId, out _);
        if (finished) Interlocked.Increment(ref _finished);
    }

    public void StartDraining() => Draining = true;
}
