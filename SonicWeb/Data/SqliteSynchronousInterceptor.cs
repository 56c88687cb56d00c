using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace SonicWeb.Data;

/// <summary>
/// Sets SQLite's <c>synchronous</c> level on every connection EF opens (the setting belongs to the
/// connection, not the database file). In WAL mode, NORMAL commits without an fsync of the log: a
/// committed row survives the app stopping or crashing at any moment, and the database is never
/// corrupted; only a power cut or OS crash can undo the last commits. FULL adds an fsync to each commit,
/// which under a burst of uploads waited for the file system to write out the uploads themselves
/// (docs/web.md, "Upload transfer").
/// </summary>
public sealed class SqliteSynchronousInterceptor(SqliteSynchronous level) : DbConnectionInterceptor
{
    private readonly string _pragma = $"PRAGMA synchronous={level.ToString().ToUpperInvariant()};";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = _pragma;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = _pragma;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>SQLite's durability levels (https://sqlite.org/pragma.html#pragma_synchronous).</summary>
public enum SqliteSynchronous { Off, Normal, Full, Extra }
