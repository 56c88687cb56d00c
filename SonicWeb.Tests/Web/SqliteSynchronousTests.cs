using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SonicWeb.Data;

namespace SonicWeb.Tests.Web;

/// <summary>Storage:SqliteSynchronous reaches every connection the app opens (SQLite keeps it per connection).</summary>
[Collection(WebCollection.Name)]
public sealed class SqliteSynchronousTests
{
    [Theory]
    [InlineData(null, 1)]      // default Normal
    [InlineData("Full", 2)]
    public async Task Every_connection_uses_the_configured_synchronous_level(string? setting, long expected)
    {
        using var host = new WebTestHost(settings: setting is null ? null : new() { ["Storage:SqliteSynchronous"] = setting });
        var factory = host.Services.GetRequiredService<IDbContextFactory<SonicDbContext>>();
        for (int i = 0; i < 3; i++) // pooled connections too
        {
            await using var context = await factory.CreateDbContextAsync();
            await context.Database.OpenConnectionAsync();
            await using var command = context.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA synchronous;";
            Assert.Equal(expected, Convert.ToInt64(await command.ExecuteScalarAsync()));
            await using var mode = context.Database.GetDbConnection().CreateCommand();
            mode.CommandText = "PRAGMA journal_mode;";
            Assert.Equal("wal", (string?)await mode.ExecuteScalarAsync());
        }
    }
}
