using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using SonicWeb.Engine.Backends.BuiltIn;
using SonicWeb.Tests.TestSupport;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Web.MultiNode;

/// <summary>
/// Several nodes on one PostgreSQL database and one Storage:Root (docs/deploy.md): the schema upgrade on
/// PostgreSQL, a sign-in cookie accepted by a second web node, a web node that renders nothing, and a real
/// worker process (role worker) that serves /health and /metrics only, shows on /admin/workers, renders the
/// web node's jobs and, stopped mid-job (SIGTERM), finishes that job before it exits.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class MultiNodeTests
{
    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Schema_upgrade_on_postgres_adds_a_column_and_a_table_an_older_database_lacks()
    {
        string root;
        using (var first = new WebTestHost(database: TestDatabase.Postgres)) root = first.Root;
        var connection = (await PostgresServer.Shared()).ConnectionString(PostgresServer.DatabaseFor(root));
        // An older schema: before reviews (no Jobs.ReviewDecision) and before several nodes (no Workers table).
        await ExecuteAsync(connection, "ALTER TABLE \"Jobs\" DROP COLUMN \"ReviewDecision\"; DROP TABLE \"Workers\";");
        const string columnSql = "SELECT count(*) FROM information_schema.columns WHERE table_name = 'Jobs' AND column_name = 'ReviewDecision'";
        Assert.Equal(0L, await ScalarAsync<long>(connection, columnSql));

        using var second = new WebTestHost(root, database: TestDatabase.Postgres);
        Assert.Equal(1L, await ScalarAsync<long>(connection, columnSql));
        Assert.Equal("YES", await ScalarAsync<string>(connection,
            "SELECT is_nullable FROM information_schema.columns WHERE table_name = 'Jobs' AND column_name = 'ReviewDecision'"));
        Assert.Equal(1L, await ScalarAsync<long>(connection, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'Workers'"));
        // and the app works on it: a job submitted, reviewed listing answers
        var id = (await SubmitAsync(second.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;
        Assert.Equal("Succeeded", (await WaitForAsync(second.Http, id, IsFinished, TimeSpan.FromSeconds(60))).Status());
        using var pending = await second.Http.GetAsync("/api/jobs?review=pending");
        Assert.Equal(HttpStatusCode.OK, pending.StatusCode);
        Assert.Contains(id, await pending.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_cookie_issued_by_one_web_node_is_accepted_by_another_sharing_the_database()
    {
        var server = await PostgresServer.Shared();
        var shared = new Dictionary<string, string> { ["ConnectionStrings:Postgres"] = server.ConnectionString("sw_cookie_" + Guid.NewGuid().ToString("N")[..12]) };
        using var first = new WebTestHost(settings: shared, database: TestDatabase.Postgres);
        using var second = new WebTestHost(settings: shared, database: TestDatabase.Postgres, signIn: false);
        Assert.NotEqual(first.BaseAddress, second.BaseAddress);

        // The admin signed in on the first node; the same cookie, sent to the second node.
        var cookie = first.Cookies.GetCookies(first.BaseAddress)[SonicWeb.Accounts.AuthSetup.CookieName];
        Assert.NotNull(cookie);
        using var onSecond = second.Anonymous();
        onSecond.DefaultRequestHeaders.Add("Cookie", $"{cookie.Name}={cookie.Value}");
        using var jobs = await onSecond.GetAsync("/api/jobs");
        Assert.Equal(HttpStatusCode.OK, jobs.StatusCode);
        using var page = await onSecond.GetAsync("/admin/workers");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode); // an admin page, not a redirect to the sign-in
        Assert.Contains("Workers", await page.Content.ReadAsStringAsync());
        using var withoutCookie = await second.Anonymous().GetAsync("/api/jobs");
        Assert.Equal(HttpStatusCode.Unauthorized, withoutCookie.StatusCode);
        // The key that protects it sits in the shared database, not in a node's folder.
        Assert.True(await ScalarAsync<long>(shared["ConnectionStrings:Postgres"], "SELECT count(*) FROM \"DataProtectionKeys\"") >= 1);
    }

    [Fact]
    public async Task History_search_ignores_case_on_postgres_as_on_sqlite()
    {
        using var host = new WebTestHost(database: TestDatabase.Postgres);
        var id = (await SubmitAsync(host.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"), ("name", "Summer Catalogue"))).GetProperty("id").GetString()!;
        foreach (var text in new[] { "summer", "CATALOGUE", "astronaut" })
        {
            var page = await host.Http.GetFromJsonAsync<JsonElement>($"/api/jobs?q={text}", Json);
            Assert.Contains(id, page.ToString());
        }
        var none = await host.Http.GetFromJsonAsync<JsonElement>("/api/jobs?q=winter", Json);
        Assert.DoesNotContain(id, none.ToString());
    }

    [Fact]
    public async Task Web_and_worker_nodes_share_the_work_and_a_stopped_worker_finishes_its_job_first()
    {
        var settings = new Dictionary<string, string>
        {
            ["Node:Role"] = "web", ["Node:Name"] = "web-1", ["Node:HeartbeatSeconds"] = "1", ["Node:StaleAfterSeconds"] = "5",
        };
        using var web = new WebTestHost(settings: settings, backend: BuiltInBackend.Name, database: TestDatabase.Postgres);

        // 1. Role web renders nothing: the job stays Queued and /health says why.
        var first = (await SubmitAsync(web.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"))).GetProperty("id").GetString()!;
        await Task.Delay(3000); // six of a worker's poll intervals
        Assert.Equal("Queued", (await GetJobAsync(web.Http, first)).Status());
        var health = await web.Http.GetFromJsonAsync<JsonElement>("/health");
        var workerCheck = health.GetProperty("checks").GetProperty("worker");
        Assert.Contains("no worker in this node", workerCheck.GetProperty("description").GetString());
        Assert.Equal(0, workerCheck.GetProperty("data").GetProperty("liveWorkers").GetInt32());

        // 2. A worker process on the same database and storage.
        var connection = (await PostgresServer.Shared()).ConnectionString(PostgresServer.DatabaseFor(web.Root));
        await using var worker = await AppProcess.StartAsync(new()
        {
            ["Node__Role"] = "worker", ["Node__Name"] = "worker-1", ["Node__HeartbeatSeconds"] = "1", ["Node__StaleAfterSeconds"] = "5",
            ["Node__DrainSeconds"] = "120", ["Jobs__PollSeconds"] = "0.5",
            ["Database__Provider"] = "Postgres", ["ConnectionStrings__Postgres"] = connection,
        }, root: web.Root);

        // ... serves /health and /metrics, and nothing else.
        var workerHealth = await worker.Http.GetFromJsonAsync<JsonElement>("/health");
        Assert.Equal("worker", workerHealth.GetProperty("checks").GetProperty("worker").GetProperty("data").GetProperty("role").GetString());
        var metrics = await worker.Http.GetStringAsync("/metrics");
        Assert.Contains("sonicweb_worker_slots{node=\"worker-1\"} 1", metrics);
        foreach (var path in new[] { "/", "/api/jobs", "/account/login", "/admin/workers", "/hubs/jobs/negotiate" })
        {
            using var response = await worker.Http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path} on the worker: {(int)response.StatusCode}");
        }

        // ... renders the queued job; the web node serves its video from the shared storage.
        var done = await WaitForAsync(web.Http, first, IsFinished, TimeSpan.FromSeconds(120));
        Assert.Equal("Succeeded", done.Status());
        using (var video = await web.Http.GetAsync($"/api/jobs/{first}/video"))
        {
            Assert.Equal(HttpStatusCode.OK, video.StatusCode);
            var file = Path.Combine(TestMedia.WorkDir, $"multinode-{first}.mp4");
            await File.WriteAllBytesAsync(file, await video.Content.ReadAsByteArrayAsync());
            Assert.Equal("h264,aac", Probe(file).Codecs);
        }

        // ... and the web node sees it: its row on /admin/workers (backend, slots, hardware), its /health.
        var admin = await web.Http.GetStringAsync("/admin/workers");
        Assert.Contains("data-worker=\"worker-1\"", admin);
        Assert.Contains(BuiltInBackend.Name, admin);
        Assert.Contains($"{Environment.ProcessorCount} cores", admin);
        health = await web.Http.GetFromJsonAsync<JsonElement>("/health");
        Assert.Equal(1, health.GetProperty("checks").GetProperty("worker").GetProperty("data").GetProperty("liveWorkers").GetInt32());

        // 3. Drain: SIGTERM while a longer job renders; the worker finishes it, then exits.
        var second = (await SubmitAsync(web.Http, TestMedia.AstronautPng, LongSpeech, ("min_resolution", "384"))).GetProperty("id").GetString()!;
        await WaitForAsync(web.Http, second, j => j.Status() == "Running" && j.GetProperty("framesDone").GetInt32() > 0, TimeSpan.FromSeconds(120));
        Assert.True(await worker.TerminateAsync(TimeSpan.FromSeconds(150)), "the worker did not exit within its drain time");
        var drained = await GetJobAsync(web.Http, second);
        Assert.True(drained.Status() == "Succeeded", $"after the worker exited: {drained}\n{worker.Output}");
        Assert.Equal(1, drained.GetProperty("attempts").GetInt32()); // finished by the drained worker, not run again
        Assert.Equal(0, worker.ExitCode);
        Assert.Contains("draining", worker.Output, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("Stopped", await ScalarAsync<string>(connection, "SELECT \"State\" FROM \"Workers\" WHERE \"Name\" = 'worker-1'"));
    }
}
