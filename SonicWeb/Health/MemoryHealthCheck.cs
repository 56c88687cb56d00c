using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SonicWeb.Health;

/// <summary>
/// Always healthy: reports the process's memory (working set, GC heap after the last collection,
/// committed GC memory) so operators and the load benchmark can watch it without attaching a tool.
/// </summary>
public sealed class MemoryHealthCheck : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        using var process = Process.GetCurrentProcess();
        long workingSet = process.WorkingSet64;
        var gc = GC.GetGCMemoryInfo();
        var data = new Dictionary<string, object>
        {
            ["workingSetBytes"] = workingSet,
            ["gcHeapBytes"] = gc.HeapSizeBytes,
            ["gcCommittedBytes"] = gc.TotalCommittedBytes,
            ["gcAllocatedNowBytes"] = GC.GetTotalMemory(forceFullCollection: false),
            ["gcCollections"] = GC.CollectionCount(0),
        };
        return Task.FromResult(HealthCheckResult.Healthy(
            $"working set {workingSet / 1048576.0:0} MB, GC heap {gc.HeapSizeBytes / 1048576.0:0} MB", data));
    }
}
