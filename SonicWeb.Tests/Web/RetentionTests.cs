using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SonicWeb.Reliability;
using SonicWeb.Tests.TestSupport;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Web;

[Collection(WebCollection.Name)]
public sealed class RetentionTests
{
    [Fact]
    public async Task Over_the_size_limit_old_jobs_expire_but_an_open_download_and_a_running_job_keep_their_files()
    {
        // Every finished job is over a 1-byte limit; the sweep is run by hand (its timer waits an hour) so each step is seen.
        using var host = new WebTestHost(settings: Paced(new() { ["Retention:MaxTotalBytes"] = "1", ["Retention:IntervalSeconds"] = "3600" }));
        var sweep = host.Services.GetRequiredService<RetentionSweep>();
        var old = (await SubmitAsync(host.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;
        await WaitForAsync(host.Http, old, j => j.Status() == "Succeeded", TimeSpan.FromSeconds(90));
        var running = (await SubmitAsync(host.Http, TestMedia.AstronautPng, LongSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;
        await WaitForAsync(host.Http, running, j => j.GetProperty("framesDone").GetInt32() > 0, TimeSpan.FromSeconds(60));

        // A 256 px test video is a few hundred KB and would sit whole in the loopback socket's buffers, ending the
        // response at once; a long video is what stays open. The job's file is made 48 MB (its MP4 with data after it).
        var video = Path.Combine(host.Root, "outputs", old, "video.mp4");
        await using (var grow = new FileStream(video, FileMode.Append)) await grow.WriteAsync(new byte[48 * 1024 * 1024]);
        var expected = await File.ReadAllBytesAsync(video);
        long length = expected.Length;
        var received = new MemoryStream();
        using (var download = await host.Http.GetAsync($"/api/jobs/{old}/video", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            await using var body = await download.Content.ReadAsStreamAsync();
            var first = new byte[1024];
            await body.ReadExactlyAsync(first);
            received.Write(first);

            var report = await sweep.SweepAsync(CancellationToken.None);
            Assert.Equal((1, 0, 1), (report.Expired, report.FilesRemovedForJobs, report.DeferredInUse)); // marked, kept while read
            Assert.True(File.Exists(video));
            Assert.True(Directory.Exists(Path.Combine(host.Root, "uploads", running))); // a running job is never chosen

            // The row says expired at once; a new download is refused with a reason, the open one goes on to the end.
            var job = await GetJobAsync(host.Http, old);
            Assert.True(job.GetProperty("expired").GetBoolean());
            Assert.False(job.GetProperty("hasVideo").GetBoolean());
            Assert.Equal("Succeeded, expired (files removed)", job.GetProperty("statusText").GetString());
            using (var again = await host.Http.GetAsync($"/api/jobs/{old}/video"))
            {
                Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
                var problem = JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement;
                Assert.Contains("removed on", problem.GetProperty("detail").GetString());
                Assert.Contains("retention policy", problem.GetProperty("detail").GetString());
            }
            await body.CopyToAsync(received);
        }
        Assert.Equal(length, received.Length);
        Assert.True(expected.AsSpan().SequenceEqual(received.ToArray()), "the open download received the whole file unchanged");

        // The download has ended: the next sweep removes the files; the history row stays.
        var after = await sweep.SweepAsync(CancellationToken.None);
        Assert.Equal(0, after.DeferredInUse);
        Assert.True(after.FilesRemovedForJobs >= 1, after.ToString()); // (the other job too, if it finished meanwhile: it is over the limit as well)
        Assert.False(Directory.Exists(Path.Combine(host.Root, "outputs", old)));
        Assert.False(Directory.Exists(Path.Combine(host.Root, "uploads", old)));
        Assert.Equal("Succeeded", (await GetJobAsync(host.Http, old)).Status());
        using (var rerun = await host.Http.PostAsync($"/api/jobs/{old}/rerun", null))
            Assert.Equal(HttpStatusCode.Gone, rerun.StatusCode);

        // The job that was running when the sweeps began completes normally with its own inputs; finished, it is
        // over the limit like the rest and the next sweep expires it.
        var done = await WaitForAsync(host.Http, running, IsFinished, TimeSpan.FromSeconds(120));
        Assert.Equal("Succeeded", done.Status());
        await sweep.SweepAsync(CancellationToken.None);
        Assert.True((await GetJobAsync(host.Http, running)).GetProperty("expired").GetBoolean());

        // Admins see disk use per user.
        var page = await host.Http.GetStringAsync("/admin/storage");
        Assert.Contains($"data-user=\"{WebTestHost.AdminName}\"", page);
        Assert.Contains("oldest first once uploads and videos exceed 0.0 MB", page);
        var (operatorClient, _) = await host.CreateUserAsync("operator@sonicweb.test", "Operator");
        using (var forbidden = await operatorClient.GetAsync("/admin/storage"))
            Assert.NotEqual(HttpStatusCode.OK, forbidden.StatusCode);
    }

    [Fact]
    public async Task The_background_sweep_expires_jobs_older_than_the_maximum_age()
    {
        // 0.00002 days is about 1.7 s after the job finished; the sweep runs every half second.
        using var host = new WebTestHost(settings: new() { ["Retention:MaxAgeDays"] = "0.00002", ["Retention:IntervalSeconds"] = "0.5" });
        var id = (await SubmitAsync(host.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;
        await WaitForAsync(host.Http, id, j => j.Status() == "Succeeded", TimeSpan.FromSeconds(90));
        var expired = await WaitForAsync(host.Http, id, j => j.GetProperty("expired").GetBoolean(), TimeSpan.FromSeconds(30));
        Assert.NotEqual(JsonValueKind.Null, expired.GetProperty("expiredAt").ValueKind);
        var until = DateTime.UtcNow.AddSeconds(10);
        while (Directory.Exists(Path.Combine(host.Root, "outputs", id)) && DateTime.UtcNow < until) await Task.Delay(100);
        Assert.False(Directory.Exists(Path.Combine(host.Root, "outputs", id)));
        using var video = await host.Http.GetAsync($"/api/jobs/{id}/video");
        Assert.Equal(HttpStatusCode.Gone, video.StatusCode);
    }
}
