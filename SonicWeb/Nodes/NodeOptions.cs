namespace SonicWeb.Nodes;

/// <summary>What this process does in a set-up of several machines (configuration section "Node").</summary>
public enum NodeRole
{
    /// <summary>Everything in one process: pages, API, hub, upload checks and generation (the default).</summary>
    All,
    /// <summary>Pages, API, hub and upload checks; renders nothing (jobs wait for a worker node).</summary>
    Web,
    /// <summary>Generation only, plus /health and /metrics on --urls; no pages, no API, no hub.</summary>
    Worker,
}

/// <summary>The node's role and the worker's heartbeat and drain settings (section "Node", e.g. Node__Role=worker).</summary>
public sealed class NodeOptions
{
    public const string Section = "Node";

    public NodeRole Role { get; set; } = NodeRole.All;

    /// <summary>The name the node shows on /admin/workers; the machine name when empty. Unique per worker process.</summary>
    public string Name { get; set; } = "";

    /// <summary>How often a node that renders writes its row in the Workers table.</summary>
    public double HeartbeatSeconds { get; set; } = 10;

    /// <summary>
    /// A worker not seen for this long is gone: its Running jobs are put back in the queue by the other
    /// workers, and /admin/workers shows it as gone.
    /// </summary>
    public double StaleAfterSeconds { get; set; } = 60;

    /// <summary>
    /// On stop (SIGTERM), how long a worker lets its current jobs finish before it interrupts them (they then
    /// run again elsewhere). Empty: 600 s for role worker; 0 for role all, which interrupts at once and
    /// resumes the job at its next start, as a single-machine installation always did.
    /// </summary>
    public double? DrainSeconds { get; set; }

    public bool Renders => Role != NodeRole.Web;
    public bool ServesPages => Role != NodeRole.Worker;

    public string NodeName => string.IsNullOrWhiteSpace(Name) ? Environment.MachineName : Name.Trim();

    public TimeSpan Drain => TimeSpan.FromSeconds(DrainSeconds ?? (Role == NodeRole.Worker ? 600 : 0));
}
