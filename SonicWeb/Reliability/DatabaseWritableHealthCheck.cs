using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SonicWeb.Storage;

namespace SonicWeb.Reliability;

/// <summary>
/// /health "database-write": can the app take SQLite's write lock right now? The framework's database check only
/// connects and reads, which still works while another process (a sqlite3 shell, a backup tool) holds an
/// exclusive lock; submissions then answer 503. This check says so, and turns healthy again once the lock is gone.
/// </summary>
public sealed class DatabaseWritableHealthCheck(StoragePaths paths) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var db = new SqliteConnection($"Data Source={paths.DatabaseFile};Pooling=False;Default Timeout=1");
            await db.OpenAsync(ct);
            await using var command = db.CreateCommand();
            command.CommandText = "BEGIN IMMEDIATE; ROLLBACK;";
            await command.ExecuteNonQueryAsync(ct);
            return HealthCheckResult.Healthy("the database takes writes");
        }
        catch (SqliteException e) when (ResourceFaults.Classify(e) is { } fault)
        {
            return HealthCheckResult.Unhealthy($"{fault.Message} Submissions answer 503 until it is released.");
        }
    }
}
