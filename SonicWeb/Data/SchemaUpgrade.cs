using System.Data;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

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
/// </summary>
public static partial class SchemaUpgrade
{
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
                var nullability = property.IsColumnNullable(store) ? "NULL" : $"NOT NULL DEFAULT {(type == "TEXT" ? "''" : "0")}";
                await context.Database.ExecuteSqlRawAsync($"ALTER TABLE \"{table}\" ADD COLUMN \"{column}\" {type} {nullability}", ct);
            }
        }

        foreach (var index in statements.Where(s => s.StartsWith("CREATE INDEX ", StringComparison.Ordinal) || s.StartsWith("CREATE UNIQUE INDEX ", StringComparison.Ordinal)))
            await context.Database.ExecuteSqlRawAsync(IndexPrefix().Replace(index, "CREATE $1INDEX IF NOT EXISTS ", 1), ct);
    }

#pragma warning restore EF1002, EF1003

    private static async Task<HashSet<string>> ColumnsAsync(DbContext context, string table, CancellationToken ct)
    {
        var connection = context.Database.GetDbConnection();
        if (connection.State != ConnectionState.Open) await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT name FROM pragma_table_info('{table.Replace("'", "''")}')";
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
