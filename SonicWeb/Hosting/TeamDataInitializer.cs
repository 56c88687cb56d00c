using SonicWeb.Batches;
using SonicWeb.Presets;

namespace SonicWeb.Hosting;

/// <summary>
/// Runs at start, after the storage initializer has brought the schema up to date: creates the
/// starting presets in an empty preset table, and removes batches a stop interrupted before their
/// jobs were released (their held jobs would otherwise wait for ever).
/// </summary>
public sealed class TeamDataInitializer(PresetService presets, BatchService batches) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        await presets.SeedAsync(ct);
        await batches.RemoveUnreleasedAsync(ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
