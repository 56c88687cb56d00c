using SonicWeb.Hosting;

namespace SonicWeb.Reliability;

/// <summary>Crash clean-up and retention: one call from WebSetup, right after the StorageInitializer.</summary>
public static class ReliabilitySetup
{
    public static void AddSonicReliability(this IServiceCollection services)
    {
        services.AddValidatedOptions<CleanupOptions, CleanupOptionsValidator>(CleanupOptions.Section);
        services.AddValidatedOptions<RetentionOptions, RetentionOptionsValidator>(RetentionOptions.Section);
        services.AddSingleton<StorageJanitor>();
        services.AddHostedService(sp => sp.GetRequiredService<StorageJanitor>()); // its start-up sweep runs before the worker starts
        services.AddSingleton<FileLeases>();
        services.AddSingleton<DiskReserve>();
        services.AddSingleton<RetentionSweep>();
        services.AddHostedService(sp => sp.GetRequiredService<RetentionSweep>());
        services.AddSingleton<StorageUsage>();
        services.AddHealthChecks()
            .AddCheck<DatabaseWritableHealthCheck>("database-write")
            .AddCheck<EmailHealthCheck>("email");
        services.AddExceptionHandler<ResourceFaultExceptionHandler>(); // a locked database or a full disk: 503 with the reason, not 500
    }
}
