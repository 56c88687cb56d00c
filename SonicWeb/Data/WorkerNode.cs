namespace SonicWeb.Data;

/// <summary>
/// One node that renders (role all or worker), as it last reported itself: written by its
/// <see cref="Nodes.WorkerHeartbeat"/> every Node:HeartbeatSeconds, read by /admin/workers on any web node
/// and by the workers that put a gone worker's jobs back in the queue.
/// </summary>
public sealed class WorkerNode
{
    public const int MaxNameLength = 100;

    /// <summary>Node:Name, or the machine name.</summary>
    public string Name { get; set; } = "";
    public string Role { get; set; } = "";
    /// <summary>The backends this node can run, comma-separated (e.g. "builtin, comfyui").</summary>
    public string Backends { get; set; } = "";
    public int Slots { get; set; }
    public int CpuCores { get; set; }
    public long RamBytes { get; set; }
    /// <summary>Where the models run: CPU or CUDA (ONNX Runtime's execution provider).</summary>
    public string ExecutionProvider { get; set; } = "";
    /// <summary>Ids of the jobs running on this node, comma-separated.</summary>
    public string RunningJobIds { get; set; } = "";
    public int JobsFinished { get; set; }
    /// <summary>Running, Draining (stopping: finishes its jobs, takes no new one) or Stopped.</summary>
    public string State { get; set; } = "";
    public DateTime StartedAt { get; set; }
    public DateTime LastSeenAt { get; set; }

    public IReadOnlyList<string> RunningJobs() => RunningJobIds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

public static class WorkerStates
{
    public const string Running = "Running", Draining = "Draining", Stopped = "Stopped";
}
