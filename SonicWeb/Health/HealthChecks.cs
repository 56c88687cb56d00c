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

/// <summary>
/// Every model file present on disk with the sha256 of models/manifest.json, checked on each call (hashed again
/// only when a file's size or time written changed), so a model deleted or corrupted while the app runs shows here
/// at once. Networks already in memory keep working until the app restarts; the description says so.
/// </summary>
public sealed class ModelsHealthCheck(ModelStore store, AnalysisModels models) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var problems = store.CheckAll();
        var data = new Dictionary<string, object> { ["directory"] = store.Directory, ["loaded"] = models.IsLoaded };
        if (problems.Count == 0)
            return Task.FromResult(HealthCheckResult.Healthy($"{ModelStore.Manifest.Count} model files verified", data));
        var text = string.Join(" ", problems);
        // Degraded while the networks are in memory: jobs still work, but the next start would not.
        return Task.FromResult(models.IsLoaded
            ? HealthCheckResult.Degraded(text + " The networks loaded before are still in memory, so jobs go on, but the app cannot load them again after a restart.", data: data)
            : HealthCheckResult.Unhealthy(text + " Jobs fail (model_missing) until the file is restored; the next job after that loads it, no restart needed.", data: data));
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
