using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace SonicWeb.Tests.TestSupport;

/// <summary>Which database a web test host runs on.</summary>
public enum TestDatabase { Sqlite, Postgres }

/// <summary>
/// A throwaway PostgreSQL 15 cluster from Debian's package (scripts/install-prereqs.sh test), under a
/// temporary folder, listening on a free loopback port with trust authentication. One cluster serves the
/// whole test run (<see cref="Shared"/>, about 2-4 s to start); each test host gets its own database in it,
/// so tests stay as isolated as with their own SQLite file. Stopped (-m immediate) and deleted when the test
/// process exits, or at <see cref="DisposeAsync"/> for a private one.
/// PostgreSQL refuses to run as root: as root the cluster belongs to user postgres (runuser).
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string Bin = "/usr/lib/postgresql/15/bin";
    public const string User = "sonic";

    private static readonly Lazy<Task<PostgresServer>> SharedServer = new(async () =>
    {
        var server = await StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        return server;
    });

    private readonly string _folder;
    private int _stopped;

    private PostgresServer(string folder, int port) => (_folder, Port) = (folder, port);

    public int Port { get; }

    /// <summary>The cluster shared by every test of this run, started on first use.</summary>
    public static Task<PostgresServer> Shared() => SharedServer.Value;

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username={User};Database={database};Pooling=true;Timeout=15;Command Timeout=60";

    /// <summary>A database name derived from a data folder: a restart on the same folder finds the same database.</summary>
    public static string DatabaseFor(string root) =>
        "sw_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(root))))[..20];

    public static async Task<PostgresServer> StartAsync()
    {
        if (!File.Exists(Path.Combine(Bin, "initdb")))
            throw new InvalidOperationException($"PostgreSQL 15 is not installed ({Bin}/initdb missing): run scripts/install-prereqs.sh test");
        DeleteStoppedClusters();
        var folder = Directory.CreateTempSubdirectory(FolderPrefix).FullName;
        File.WriteAllText(Path.Combine(folder, OwnerFile), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var data = Path.Combine(folder, "data");
        bool root = Environment.UserName == "root";
        if (root) await RunAsync("chown", "postgres:postgres", folder);
        int port = LoopbackListener.FreePort();
        await RunAsPostgresAsync(root, Path.Combine(Bin, "initdb"), "-D", data, "-A", "trust", "-U", User, "--no-locale", "-E", "UTF8", "--no-sync");
        var server = new PostgresServer(folder, port);
        await server.ResumeAsync();
        return server;
    }

    /// <summary>
    /// An outage: the server stops at once (-m immediate: connections are cut as by a crash), its data and port stay
    /// for <see cref="ResumeAsync"/>. Not for the <see cref="Shared"/> cluster: other tests use it.
    /// </summary>
    public Task PauseAsync() =>
        RunAsPostgresAsync(Environment.UserName == "root", Path.Combine(Bin, "pg_ctl"), "-D", Path.Combine(_folder, "data"), "-m", "immediate", "-w", "stop");

    /// <summary>Starts the cluster (again, after <see cref="PauseAsync"/>) on its port and waits until it takes connections.</summary>
    public Task ResumeAsync() =>
        RunAsPostgresAsync(Environment.UserName == "root", Path.Combine(Bin, "pg_ctl"), "-D", Path.Combine(_folder, "data"), "-l", Path.Combine(_folder, "server.log"),
            "-w", "-t", "60", "-o", $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300", "start");

    private const string FolderPrefix = "sonicweb-pg-";
    /// <summary>The id of the test process that started the cluster, in the cluster's folder.</summary>
    private const string OwnerFile = "owner.pid";

    /// <summary>
    /// Clusters of earlier runs: stopped ones (no postmaster.pid) are deleted, and running ones whose test process has
    /// gone are stopped first. The test host may be ended before its exit handler has stopped the shared cluster (a
    /// postmaster with a few hundred MB was seen left running after a CI run), so each run tidies up after the ones before
    /// it. A cluster whose test process still runs is another run's, and is left alone.
    /// </summary>
    private static void DeleteStoppedClusters()
    {
        foreach (var old in Directory.EnumerateDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            if (File.Exists(Path.Combine(old, "data", "postmaster.pid")))
            {
                if (!OwnerHasGone(old)) continue; // running: another test run's
                StopCluster(old);
            }
            try { Directory.Delete(old, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>True when the folder names the process that started its cluster and that process no longer runs.</summary>
    private static bool OwnerHasGone(string folder)
    {
        try
        {
            if (!int.TryParse(File.ReadAllText(Path.Combine(folder, OwnerFile)), out int owner)) return false;
            using var process = Process.GetProcessById(owner);
            return process.HasExited;
        }
        catch (ArgumentException) { return true; }      // no such process
        catch (IOException) { return false; }           // no owner file (a run from before it was written): leave it
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>pg_ctl stop -m immediate (the cluster is thrown away: no checkpoint needed) and the folder deleted.</summary>
    public void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        StopCluster(_folder);
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static void StopCluster(string folder)
    {
        var pgCtl = new[] { Path.Combine(Bin, "pg_ctl"), "-D", Path.Combine(folder, "data"), "-m", "immediate", "-w", "stop" };
        var (file, args) = Environment.UserName == "root" ? ("runuser", new[] { "-u", "postgres", "--" }.Concat(pgCtl).ToArray()) : (pgCtl[0], pgCtl[1..]);
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        p.WaitForExit(30_000);
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    private static Task RunAsPostgresAsync(bool root, string file, params string[] args) =>
        root ? RunAsync("runuser", ["-u", "postgres", "--", file, .. args]) : RunAsync(file, args);

    private static async Task RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {p.ExitCode}:\n{await stdout}\n{await stderr}");
    }
}
