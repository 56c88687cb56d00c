using System.Net;
using SonicWeb.Cli;
using SonicWeb.Tests.TestSupport;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Web;

[Collection(WebCollection.Name)]
public sealed class BackupTests
{
    [Fact]
    public async Task A_backup_taken_while_a_job_renders_restores_into_a_fresh_folder_where_both_videos_download()
    {
        var backup = Path.Combine(Path.GetTempPath(), "sonicweb-backup-" + Guid.NewGuid().ToString("N"));
        var restored = Directory.CreateTempSubdirectory("sonicweb-restored-").FullName;
        string done, rendering;
        using (var live = new WebTestHost(settings: Paced()))
        {
            done = (await SubmitAsync(live.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;
            await WaitForAsync(live.Http, done, IsFinished, TimeSpan.FromSeconds(90));
            rendering = (await SubmitAsync(live.Http, TestMedia.AstronautPng, LongSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;
            await WaitForAsync(live.Http, rendering, j => j.GetProperty("framesDone").GetInt32() > 0, TimeSpan.FromSeconds(60));

            // The app keeps writing progress rows while the backup runs.
            var (code, output, errors) = await RunCliAsync(live.Root, "backup", "--output", backup);
            Assert.True(code == 0, errors);
            Assert.Contains("Backed up the database (2 jobs) and", output);
            Assert.Equal("Running", (await GetJobAsync(live.Http, rendering)).Status()); // the backup did not stop the work

            var (again, _, notEmpty) = await RunCliAsync(live.Root, "backup", "--output", backup);
            Assert.Equal(1, again);
            Assert.Contains("is not empty", notEmpty);
        }
        Assert.True(File.Exists(Path.Combine(backup, "sonicweb.db")));
        Assert.False(File.Exists(Path.Combine(backup, "sonicweb.db-wal"))); // one self-contained file

        // The documented restore: the app is stopped; copy the backup's contents into an empty Storage:Root; start.
        CopyTree(backup, restored);
        using var host = new WebTestHost(restored);
        using (var response = await host.Http.GetAsync($"/api/jobs/{done}/video"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var file = Path.Combine(restored, "downloaded.mp4");
            await File.WriteAllBytesAsync(file, await response.Content.ReadAsByteArrayAsync());
            var probe = Probe(file);
            Assert.Equal(256, probe.Width);
            Assert.InRange(probe.Duration, 1.5, 5);
            Assert.Equal("h264,aac", probe.Codecs);
        }
        // The job that was rendering at backup time is queued again from its backed-up inputs and completes.
        var finished = await WaitForAsync(host.Http, rendering, IsFinished, TimeSpan.FromSeconds(120));
        Assert.Equal("Succeeded", finished.Status());
        Assert.InRange(Probe(Path.Combine(restored, "outputs", rendering, "video.mp4")).Duration, 7, 12);
        Directory.Delete(backup, recursive: true);
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    [Fact]
    public async Task Backup_refuses_a_postgres_database_and_points_to_pg_dump()
    {
        var root = Directory.CreateTempSubdirectory("sonicweb-backup-pg-").FullName;
        var output = Path.Combine(root, "..", Path.GetFileName(root) + "-out");
        var previous = Environment.GetEnvironmentVariable("Database__Provider");
        Environment.SetEnvironmentVariable("Database__Provider", "Postgres");
        try
        {
            var (code, stdout, stderr) = await RunCliAsync(root, "backup", "--output", output);
            Assert.Equal(1, code);
            Assert.Equal("", stdout);
            Assert.Contains("Database:Provider is Postgres", stderr);
            Assert.Contains("pg_dump", stderr);
            Assert.Contains("docs/deploy.md", stderr);
            Assert.False(Directory.Exists(output)); // nothing half-made
        }
        finally { Environment.SetEnvironmentVariable("Database__Provider", previous); }
    }

    /// <summary>The CLI as `SonicWeb backup ...` runs it, with Storage__Root in the environment (the CLI reads configuration from there).</summary>
    internal static async Task<(int Code, string Out, string Err)> RunCliAsync(string root, params string[] args)
    {
        var previous = Environment.GetEnvironmentVariable("Storage__Root");
        Environment.SetEnvironmentVariable("Storage__Root", root);
        try
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int code = await CliApp.RunAsync(args, () => throw new InvalidOperationException("no pipeline needed"), stdout, stderr);
            return (code, stdout.ToString(), stderr.ToString());
        }
        finally { Environment.SetEnvironmentVariable("Storage__Root", previous); }
    }
}
