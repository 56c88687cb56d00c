using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SonicWeb.Data;
using SonicWeb.Notifications;
using SonicWeb.Tests.TestSupport;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Web;

/// <summary>
/// The periodic pass of <see cref="MissedFinishNotices"/> (Notifications:CatchUpSeconds): a job whose email row was lost
/// (its node died between the job's end and its notices, and came back within the grace, so its start-up pass left the
/// job alone) gets its email once the grace is over, exactly once, also when several passes run at the same moment.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class MissedNoticeCatchUpTests
{
    [Theory]
    [InlineData(TestDatabase.Sqlite)]
    [InlineData(TestDatabase.Postgres)]
    public async Task A_lost_email_is_written_once_past_the_grace_and_racing_passes_write_it_once(TestDatabase database)
    {
        using var host = new WebTestHost(settings: new() { ["Notifications:CatchUpSeconds"] = "1" }, database: database);
        var factory = host.Services.GetRequiredService<IDbContextFactory<SonicDbContext>>();
        async Task<int> EmailRowsAsync(string jobId)
        {
            await using var db = await factory.CreateDbContextAsync();
            return await db.NotificationDeliveries.CountAsync(d => d.JobId == jobId && d.Channel == NotificationChannel.Email && d.Kind == NotificationKind.JobFinished);
        }
        async Task LoseEmailAsync(string jobId, DateTime finishedAt)
        {
            await using var db = await factory.CreateDbContextAsync();
            await db.NotificationDeliveries.Where(d => d.JobId == jobId).ExecuteDeleteAsync();
            await db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s.SetProperty(j => j.FinishedAt, finishedAt));
        }
        async Task<int> WaitForRowsAsync(string jobId, int count, TimeSpan timeout)
        {
            var until = DateTime.UtcNow + timeout;
            int rows;
            while ((rows = await EmailRowsAsync(jobId)) != count && DateTime.UtcNow < until) await Task.Delay(100);
            return rows;
        }

        // A finished job and its email row (written as Skipped: no mail server here, but the row is what counts).
        var id = (await SubmitAsync(host.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;
        Assert.Equal("Succeeded", (await WaitForAsync(host.Http, id, IsFinished, TimeSpan.FromSeconds(60))).Status());
        Assert.Equal(1, await WaitForRowsAsync(id, 1, TimeSpan.FromSeconds(10)));

        // Its email row lost, the job ended 30 s ago: within the grace another node may still write it; the timer leaves it.
        await LoseEmailAsync(id, DateTime.UtcNow.AddSeconds(-30));
        await Task.Delay(3500); // three ticks
        Assert.Equal(0, await EmailRowsAsync(id));

        // Past the grace: the next tick writes it, and the ticks after it do not write it again.
        await LoseEmailAsync(id, DateTime.UtcNow - MissedFinishNotices.Grace - TimeSpan.FromSeconds(30));
        Assert.Equal(1, await WaitForRowsAsync(id, 1, TimeSpan.FromSeconds(20)));
        await Task.Delay(3500);
        Assert.Equal(1, await EmailRowsAsync(id));

        // Passes racing (as on several nodes at once, with the timer's own on top), and the handler itself called twice at
        // once for the same ending: still one row.
        await LoseEmailAsync(id, DateTime.UtcNow - MissedFinishNotices.Grace - TimeSpan.FromSeconds(40));
        var pass = host.Services.GetServices<IHostedService>().OfType<MissedFinishNotices>().Single();
        var notifications = host.Services.GetRequiredService<IUserNotifications>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => (Task)Task.Run(() => pass.CatchUpAsync(CancellationToken.None, periodic: true)))
            .Append(Task.Run(() => notifications.JobFinishedAsync(id, CancellationToken.None)))
            .Append(Task.Run(() => notifications.JobFinishedAsync(id, CancellationToken.None))));
        await Task.Delay(2500);
        Assert.Equal(1, await EmailRowsAsync(id));
    }
    /// <summary>
    /// A notice written again for an ending that already has its row (the finish handler run twice, one after the other)
    /// finds that row before inserting: one row, and no refused insert in the log (EF Core logs each as an error).
    /// </summary>
    [Fact]
    public async Task A_second_notice_for_the_same_ending_leaves_one_row_and_no_error_in_the_log()
    {
        using var host = new WebTestHost();
        var factory = host.Services.GetRequiredService<IDbContextFactory<SonicDbContext>>();
        var id = (await SubmitAsync(host.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;
        Assert.Equal("Succeeded", (await WaitForAsync(host.Http, id, IsFinished, TimeSpan.FromSeconds(60))).Status());
        async Task<int> EmailRowsAsync()
        {
            await using var db = await factory.CreateDbContextAsync();
            return await db.NotificationDeliveries.CountAsync(d => d.JobId == id && d.Channel == NotificationChannel.Email && d.Kind == NotificationKind.JobFinished);
        }
        var until = DateTime.UtcNow.AddSeconds(10);
        while (await EmailRowsAsync() == 0 && DateTime.UtcNow < until) await Task.Delay(100);
        Assert.Equal(1, await EmailRowsAsync());

        var notifications = host.Services.GetRequiredService<IUserNotifications>();
        await notifications.JobFinishedAsync(id, CancellationToken.None);
        await notifications.JobFinishedAsync(id, CancellationToken.None);
        Assert.Equal(1, await EmailRowsAsync());

        await Task.Delay(1500); // the log's writer runs in the background
        var errors = Directory.EnumerateFiles(Path.Combine(host.Root, "logs"), "*.jsonl")
            .SelectMany(File.ReadLines)
            .Where(line => line.Contains("\"level\":\"Error\"") && line.Contains("EntityFrameworkCore"))
            .ToList();
        Assert.Empty(errors);
    }
}
