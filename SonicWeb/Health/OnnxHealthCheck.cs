using Microsoft.Extensions.Diagnostics.HealthChecks;
using SonicWeb.Engine.Onnx;

namespace SonicWeb.Health;

/// <summary>
/// Where the models run: the execution provider in use (CPU or CUDA), ONNX Runtime's version and the
/// providers it offers. Degraded when CUDA was asked for (Engine:Onnx:UseCuda) but the models fell back
/// to the CPU, with the reason (what is missing).
/// </summary>
public sealed class OnnxHealthCheck(OrtRuntime runtime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var status = runtime.Status;
        var data = new Dictionary<string, object>
        {
            ["executionProvider"] = status.ExecutionProvider,
            ["version"] = runtime.Version,
            ["availableProviders"] = runtime.AvailableProviders,
            ["cudaRequested"] = status.CudaRequested,
            ["sessions"] = status.SessionProviders,
        };
        if (status.CudaProblem is { } problem) data["cudaProblem"] = problem;
        string text = $"ONNX Runtime {runtime.Version}: models run on {status.ExecutionProvider}";
        return Task.FromResult(status.CudaProblem is null
            ? HealthCheckResult.Healthy(text, data)
            : HealthCheckResult.Degraded($"{text}; CUDA was requested but {status.CudaProblem}", data: data));
    }
}
