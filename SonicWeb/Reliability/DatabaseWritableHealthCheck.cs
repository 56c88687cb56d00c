using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SonicWeb.Data;
using SonicWeb.Storage;

namespace SonicWeb.Reliability;

/// <summary>
/// /health "database-write": can the app write to the database right now? SQLite: can it take the write lock?
/// The framework's database check only connects and reads, which still works while another process (a sqlite3
/// shell, a backup tool) holds an exclusive lock; submissions then answer 503. PostgreSQL: is the server a
/// primary (a standby after a fail-over reads but refuses writes)? Turns healthy again once the cause is gone.
/// </summary>
public sealed class DatabaseWritableHealthCheck(StoragePaths paths, DatabaseOptions database, IDbContextFactory<SonicDbContext> db) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        database.Provider == DatabaseProvider.Postgres ? CheckPostgresAsync(ct) : CheckSqliteAsync(ct);

    private async Task<HealthCheckResult> CheckSqliteAsync(CancellationToken ct)
    {
        try
        {
            await using var connection = new SqliteConnection($"Data Source={paths.DatabaseFile};Pooling=False;Default Timeout=1");
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "BEGIN IMMEDIATE; ROLLBACK;";
            await command.ExecuteNonQueryAsync(ct);
            return HealthCheckResult.Healthy("the database takes writes");
        }
        catch (SqliteException e) when (ResourceFaults.Classify(e) is { } fault)
        {
            return HealthCheckResult.Unhealthy($"{fault.Message} Submissions answer 503 until it is released.");
        }
    }

    private async Task<HealthCheckResult> CheckPostgresAsync(CancellationToken ct)
    {
        try
        {
            await using var context = await db.CreateDbContextAsync(ct);
            bool standby = await context.Database.SqlQueryRaw<bool>("SELECT pg_is_in_recovery() AS \"Value\"").SingleAsync(ct);
            return standby
                ? HealthCheckResult.Unhealthy("PostgreSQL is a read-only standby (in recovery): ConnectionStrings:Postgres must name the primary")
                : HealthCheckResult.Healthy("the database takes writes (PostgreSQL primary)");
        }
        catch (Exception e) when (ResourceFaults.Classify(e) is { } fault)
        {
            return HealthCheckResult.Unhealthy($"{fault.Message} Submissions answer 503 until it is back.");
        }
    }
}
