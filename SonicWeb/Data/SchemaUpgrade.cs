using System.Data;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace SonicWeb.Data;

/// <summary>
/// Brings an existing database up to the current model without EF migrations (the Design package is
/// not available here). EnsureCreated only acts on an empty database, so after it this step runs on
/// every start, and is idempotent:
///   1. every CREATE TABLE of the model's create script, as CREATE TABLE IF NOT EXISTS (new tables
///      such as Identity's AspNet* tables or ApiKeys appear in an old database);
///   2. every column the model has and the table lacks is added with ALTER TABLE ADD COLUMN
///      (nullable, or NOT NULL with a zero/empty default), e.g. Jobs.OwnerId;
///   3. every index, as CREATE [UNIQUE] INDEX IF NOT EXISTS.
/// It never drops or changes existing columns: renames or type changes would need a hand-written step.
/// The same steps run on SQLite and PostgreSQL; only the question "which columns does this table have"
/// (pragma_table_info or information_schema.columns) and the zero default of a new column differ.
/// </summary>
public static partial class SchemaUpgrade
{
    /// <summary>
    /// Creates the database if it has no tables, then <see cref="ApplyAsync"/>. On PostgreSQL several nodes may
    /// start at once: they take turns under an advisory lock (held by this context's connection), so two
    /// of them never create the same table at the same moment.
    /// </summary>
    public static async Task EnsureCurrentAsync(DbContext context, CancellationToken ct = default)
    {
        bool postgres = context.Database.IsNpgsql();
        if (postgres)
        {
            await CreatePostgresDatabaseAsync(context, ct);
            await context.Database.OpenConnectionAsync(ct);
            await context.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({AdvisoryLockKey})", ct);
        }
        try
        {
            await context.Database.EnsureCreatedAsync(ct);
            await ApplyAsync(context, ct);
        }
        finally
        {
            if (postgres)
            {
                await context.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None);
                await context.Database.CloseConnectionAsync();
            }
        }
    }

    /// <summary>The empty database itself (a lock needs a database to connect to); another node creating it at the same moment is fine.</summary>
    private static async Task CreatePostgresDatabaseAsync(DbContext context, CancellationToken ct)
    {
        var creator = context.GetService<IRelationalDatabaseCreator>();
        if (await creator.ExistsAsync(ct)) return;
        try { await creator.CreateAsync(ct); }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.DuplicateDatabase) { }
    }

    /// <summary>Any fixed number: the lock is SonicWeb's schema step in this database.</summary>
    private const long AdvisoryLockKey = 0x50_4E_49_43_57_45_42; // "SONICWEB" in part

    // The SQL here comes from the EF model (table, column and type names), never from user input.
#pragma warning disable EF1002, EF1003
    public static async Task ApplyAsync(DbContext context, CancellationToken ct = default)
    {
        var statements = StatementSplitter().Split(context.Database.GenerateCreateScript())
            .Select(s => s.Trim()).Where(s => s.Length > 0).ToList();
        foreach (var create in statements.Where(s => s.StartsWith("CREATE TABLE ", StringComparison.Ordinal)))
            await context.Database.ExecuteSqlRawAsync("CREATE TABLE IF NOT EXISTS " + create["CREATE TABLE ".Length..], ct);

        foreach (var entity in context.Model.GetEntityTypes())
        {
            var table = entity.GetTableName();
            if (table is null) continue;
            var existing = await ColumnsAsync(context, table, ct);
            var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
            foreach (var property in entity.GetProperties())
            {
                var column = property.GetColumnName(store);
                if (column is null || existing.Contains(column)) continue;
                var type = property.GetColumnType();
                var nullability = property.IsColumnNullable(store) ? "NULL" : $"NOT NULL DEFAULT {ZeroDefault(context, property, type)}";
                await context.Database.ExecuteSqlRawAsync($"ALTER TABLE \"{table}\" ADD COLUMN \"{column}\" {type} {nullability}", ct);
            }
        }

        foreach (var index in statements.Where(s => s.StartsWith("CREATE INDEX ", StringComparison.Ordinal) || s.StartsWith("CREATE UNIQUE INDEX ", StringComparison.Ordinal)))
            await context.Database.ExecuteSqlRawAsync(IndexPrefix().Replace(index, "CREATE $1INDEX IF NOT EXISTS ", 1), ct);
    }

#pragma warning restore EF1002, EF1003

    /// <summary>The value existing rows get in a new NOT NULL column: zero, false, empty or the epoch, in the provider's spelling.</summary>
    private static string ZeroDefault(DbContext context, IProperty property, string columnType)
    {
        if (!context.Database.IsNpgsql()) return columnType == "TEXT" ? "''" : "0"; // SQLite: numbers and booleans are integers
        var clr = property.GetTypeMapping().Converter?.ProviderClrType ?? property.ClrType;
        clr = Nullable.GetUnderlyingType(clr) ?? clr;
        if (clr == typeof(bool)) return "FALSE";
        if (clr == typeof(string)) return "''";
        if (clr == typeof(DateTime) || clr == typeof(DateTimeOffset)) return "'1970-01-01T00:00:00Z'";
        if (clr == typeof(Guid)) return "'00000000-0000-0000-0000-000000000000'";
        return "0";
    }

    private static async Task<HashSet<string>> ColumnsAsync(DbContext context, string table, CancellationToken ct)
    {
        var connection = context.Database.GetDbConnection();
        if (connection.State != ConnectionState.Open) await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = context.Database.IsNpgsql()
            ? $"SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{table.Replace("'", "''")}'"
            : $"SELECT name FROM pragma_table_info('{table.Replace("'", "''")}')";
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) names.Add(reader.GetString(0));
        return names;
    }

    [GeneratedRegex(@";\s*(?:\r?\n|$)")]
    private static partial Regex StatementSplitter();

    [GeneratedRegex(@"^CREATE (UNIQUE )?INDEX ")]
    private static partial Regex IndexPrefix();
}
