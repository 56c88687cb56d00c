using Microsoft.Extensions.Diagnostics.HealthChecks;
using SonicWeb.Engine.Backends;

namespace SonicWeb.Backends;

/// <summary>
/// /health's "backends" entry: each generation backend's state (a ComfyUI host's GPU and free memory
/// among the details). Unhealthy when the default backend cannot take jobs; degraded when another
/// configured one cannot (jobs that ask for it fail, the default still works).
/// </summary>
public sealed class BackendsHealthCheck(GenerationBackends backends) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var states = await backends.StatusAsync(ct);
        var data = states.ToDictionary(s => s.Name, s => (object)new
        {
            available = s.Available,
            isDefault = s.IsDefault,
            summary = s.Health.Summary,
            details = s.Health.Details,
        });
        var text = string.Join("; ", states.Select(s => $"{s.Name}: {(s.Available ? "available" : "unavailable")} ({s.Health.Summary})"));
        if (states.Any(s => s.IsDefault && !s.Available)) return HealthCheckResult.Unhealthy(text, data: data);
        return states.All(s => s.Available || !s.Health.Configured) ? HealthCheckResult.Healthy(text, data) : HealthCheckResult.Degraded(text, data: data);
    }
}
