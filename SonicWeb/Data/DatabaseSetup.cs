using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SonicWeb.Storage;

namespace SonicWeb.Data;

/// <summary>The data directory and the SQLite database in it, registered the same way by the web app and the CLI.</summary>
public static class DatabaseSetup
{
    /// <summary>Creates the data directory, registers <see cref="StoragePaths"/> and the DbContext factory; returns the paths.</summary>
    public static StoragePaths AddSonicStorage(this IServiceCollection services, IConfiguration config)
    {
        var options = config.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var paths = new StoragePaths(Options.Create(options));
        paths.EnsureCreated();
        services.AddSingleton(paths);
        var synchronous = new SqliteSynchronousInterceptor(options.SqliteSynchronous);
        services.AddDbContextFactory<SonicDbContext>(o => o
            .UseSqlite($"Data Source={paths.DatabaseFile};Cache=Shared;Pooling=True;Default Timeout={options.BusyTimeoutSeconds}")
            .AddInterceptors(synchronous));
        return paths;
    }
}
