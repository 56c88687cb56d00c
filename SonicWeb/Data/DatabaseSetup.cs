using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SonicWeb.Storage;

namespace SonicWeb.Data;

/// <summary>
/// The data directory and the database (SQLite file in it, or PostgreSQL by Database:Provider), registered
/// the same way by the web app and the CLI.
/// </summary>
public static class DatabaseSetup
{
    /// <summary>Creates the data directory, registers <see cref="StoragePaths"/>, <see cref="DatabaseOptions"/> and the DbContext factory; returns the paths.</summary>
    public static StoragePaths AddSonicStorage(this IServiceCollection services, IConfiguration config)
    {
        var options = config.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var paths = new StoragePaths(Options.Create(options));
        paths.EnsureCreated();
        services.AddSingleton(paths);
        var database = DatabaseOptions.From(config);
        services.AddSingleton(database);
        if (database.Provider == DatabaseProvider.Postgres)
        {
            var connection = PostgresConnectionString(config);
            services.AddDbContextFactory<SonicDbContext>(o => o.UseNpgsql(connection));
        }
        else
        {
            var synchronous = new SqliteSynchronousInterceptor(options.SqliteSynchronous);
            services.AddDbContextFactory<SonicDbContext>(o => o
                .UseSqlite($"Data Source={paths.DatabaseFile};Cache=Shared;Pooling=True;Default Timeout={options.BusyTimeoutSeconds}")
                .AddInterceptors(synchronous));
        }
        return paths;
    }

    public static string PostgresConnectionString(IConfiguration config)
    {
        var connection = config.GetConnectionString(DatabaseOptions.PostgresConnectionName);
        if (string.IsNullOrWhiteSpace(connection))
            throw new InvalidOperationException("Database:Provider is Postgres but ConnectionStrings:Postgres is empty; set it, e.g. " +
                "ConnectionStrings__Postgres=\"Host=db.example;Database=sonicweb;Username=sonicweb;Password=...\" (docs/deploy.md).");
        return connection;
    }
}
