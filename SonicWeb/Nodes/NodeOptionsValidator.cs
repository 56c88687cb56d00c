using SonicWeb.Hosting;

namespace SonicWeb.Nodes;

public sealed class NodeOptionsValidator : OptionsValidator<NodeOptions>
{
    public override IEnumerable<string> Problems(NodeOptions o)
    {
        if (!Enum.IsDefined(o.Role)) yield return $"Node:Role is {o.Role}; it must be all, web or worker";
        if (o.NodeName.Length > 100) yield return $"Node:Name is {o.NodeName.Length} characters long; at most 100";
        if (o.HeartbeatSeconds is < 1 or > 300) yield return $"Node:HeartbeatSeconds is {o.HeartbeatSeconds}; it must be between 1 and 300";
        if (o.StaleAfterSeconds < 2 * o.HeartbeatSeconds) yield return $"Node:StaleAfterSeconds is {o.StaleAfterSeconds}; it must be at least twice Node:HeartbeatSeconds ({o.HeartbeatSeconds})";
        if (o.DrainSeconds is < 0 or > 86400) yield return $"Node:DrainSeconds is {o.DrainSeconds}; it must be between 0 and 86400";
    }
}
