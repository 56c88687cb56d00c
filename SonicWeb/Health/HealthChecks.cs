using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using SonicWeb.Engine.Models;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Storage;

namespace SonicWeb.Health;

/// <summary>ffmpeg and ffprobe answer -version (a healthy answer is reused for a minute).</summary>
public sealed class FfmpegHealthCheck(IOptions<EngineOptions> engine) : IHealthCheck
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);
    private (DateTime At, HealthCheckResult Result)? _cached;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        if (_cached is { } c && DateTime.UtcNow - c.At < CacheFor) return c.Result;
        var result = HealthCheckResult.Healthy("ffmpeg and ffprobe run");
        foreach (var tool in new[] { engine.Value.Ffmpeg.FfmpegPath, engine.Value.Ffmpeg.FfprobePath })
        {
            try
            {
                using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(tool, "-version")
                    { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
                await process.StandardOutput.ReadToEndAsync(ct);
                await process.WaitForExitAsync(ct);
                if (process.ExitCode != 0) { result = HealthCheckResult.Unhealthy($"{tool} -version exited with {process.ExitCode}"); break; }
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                result = HealthCheckResult.Unhealthy($"{tool} cannot be started: {e.Message}");
                break;
            }
        }
        // Only a healthy answer is kept: a missing ffmpeg shows until it is back, and is seen again at once when it is.
        _cached = result.Status == HealthStatus.Healthy ? (DateTime.UtcNow, result) : null;
        return result;
    }
}

/// <summary>Every model file present with the right hash (hashes are verified once per process).</summary>
public sealed class ModelsHealthCheck(ModelStore store) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var problems = store.CheckAll();
        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy($"{ModelStore.Manifest.Count} model files verified")
            : HealthCheckResult.Unhealthy(string.Join(" ", problems)));
    }
}

/// <summary>
/// Always healthy: which buffer blocks Kestrel reads into (Server:BufferBlockBytes) and how many pools it
/// took from the app's factory, which shows that the server really uses them.
/// </summary>
public sealed class ServerBuffersHealthCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        if (services.GetService<Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>>() is not Hosting.LargeBlockMemoryPoolFactory factory)
            return Task.FromResult(HealthCheckResult.Healthy("the framework's buffer pool (4 KB blocks)",
                new Dictionary<string, object> { ["blockBytes"] = 4096, ["kestrelPools"] = 0 }));
        int kestrelPools = factory.Owners.Count(o => o == "kestrel");
        return Task.FromResult(HealthCheckResult.Healthy($"{factory.BlockBytes / 1024} KB buffer blocks; {kestrelPools} Kestrel pool(s) use them",
            new Dictionary<string, object> { ["blockBytes"] = factory.BlockBytes, ["kestrelPools"] = kestrelPools }));
    }
}

/// <summary>Free space on the data directory's drive against Storage:MinFreeBytes.</summary>
public sealed class DiskHealthCheck(StoragePaths paths, IOptions<StorageOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var drive = new DriveInfo(paths.Root);
        long free = drive.AvailableFreeSpace;
        var data = new Dictionary<string, object> { ["freeBytes"] = free, ["minFreeBytes"] = options.Value.MinFreeBytes };
        var text = $"{free / 1024.0 / 1024 / 1024:0.0} GB free at {paths.Root}";
        return Task.FromResult(free >= options.Value.MinFreeBytes
            ? HealthCheckResult.Healthy(text, data)
            : HealthCheckResult.Degraded(text + $"; below Storage:MinFreeBytes ({options.Value.MinFreeBytes / 1024.0 / 1024 / 1024:0.0} GB)", data: data));
    }
}

public static class HealthResponse
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>JSON body: overall status and each check's status and description.</summary>
    public static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description ?? e.Value.Exception?.Message,
                durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                data = e.Value.Data.Count > 0 ? e.Value.Data : null,
            }),
        }, Json));
    }
}
