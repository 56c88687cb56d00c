using SonicWeb.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SonicWeb.Data;
using SonicWeb.Jobs.Running;

namespace SonicWeb.Tests.Web.Seams;

/// <summary>
/// Claiming is a conditional update of the job row, so workers racing for one job (two slots, or two
/// machines sharing the database) cannot both run it; the real SQLite file decides.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class JobClaimsTests
{
    [Theory]
    [InlineData(TestDatabase.Sqlite)]
    [InlineData(TestDatabase.Postgres)] // the same test on PostgreSQL (docs/deploy.md, "Database")
    public async Task Of_many_workers_claiming_one_queued_job_exactly_one_wins_and_counts_the_attempt(TestDatabase database)
    {
        // The app's own worker waits a minute between looks, so only this test claims.
        using var host = new WebTestHost(settings: new() { ["Jobs:PollSeconds"] = "60" }, database: database);
        await Task.Delay(500); // its first look at the empty queue is over
        var id = await EmailNotificationTests.InsertJobAsync(host, j => (j.Status, j.QueuedAt) = (JobStatus.Queued, DateTime.UtcNow));
        var claims = host.Services.GetRequiredService<JobClaims>();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => claims.TryClaimAsync(id, 0, CancellationToken.None))));

        var winner = Assert.Single(results, r => r is not null)!;
        Assert.Equal((JobStatus.Running, 1), (winner.Status, winner.Attempts));
        Assert.Null(await claims.TryClaimAsync(id, 0, CancellationToken.None));
        Assert.Null(await claims.ClaimOldestAsync(CancellationToken.None)); // nothing else is queued
        await using var context = await host.Services.GetRequiredService<IDbContextFactory<SonicDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, (await context.Jobs.SingleAsync(j => j.Id == id)).Attempts);
    }
}
