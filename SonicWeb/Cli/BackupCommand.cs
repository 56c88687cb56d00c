using System.CommandLine;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using SonicWeb.Hosting;
using SonicWeb.Storage;

namespace SonicWeb.Cli;

/// <summary>
/// `backup --output DIR`: a consistent copy of the installation while the app keeps running. The database
/// is copied with SQLite's online backup API (a snapshot of one moment, WAL included, that a running writer
/// cannot tear, unlike a file copy); then the files that snapshot references (each job's photo, recording,
/// video and thumbnail) are copied beside it with the same relative paths. Restoring is: stop the app, copy
/// DIR's contents into an empty Storage:Root, start the app (docs/reliability.md).
/// </summary>
internal static class BackupCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var output = new Option<string>("--output") { Description = "An empty or new folder for the backup.", Required = true };
        var backup = new Command("backup", "Copy the database (SQLite online backup) and the files it references, while the app runs.") { output };
        backup.SetAction(async (r, ct) =>
        {
            var config = EngineSetup.CliConfiguration();
            if (Data.DatabaseOptions.From(config).Provider != Data.DatabaseProvider.Sqlite)
            {
                await stderr.WriteLineAsync("error: " + PostgresRefusal);
                return 1;
            }
            var options = config.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
            var source = new StoragePaths(Options.Create(options));
            try
            {
                var summary = await RunAsync(source, Path.GetFullPath(r.GetValue(output)!), ct);
                await stdout.WriteLineAsync(summary.ToString());
                return 0;
            }
            catch (BackupException e)
            {
                await stderr.WriteLineAsync("error: " + e.Message);
                return 1;
            }
        });
        return backup;
    }

    /// <summary>This verb copies a SQLite file; a PostgreSQL database is backed up with PostgreSQL's own tools.</summary>
    public const string PostgresRefusal =
        "backup copies the SQLite database, but Database:Provider is Postgres. Back up PostgreSQL with its own tools " +
        "(pg_dump -Fc -f sonicweb.dump DATABASE, or continuous archiving), and the shared Storage:Root with a file copy " +
        "or a snapshot of its volume; docs/deploy.md, \"Backups\".";

    public sealed record Summary(string Folder, int Jobs, int Files, long Bytes, IReadOnlyList<string> Missing)
    {
        public override string ToString() =>
            $"Backed up the database ({Jobs} jobs) and {Files} files ({Bytes / 1024.0 / 1024.0:0.0} MB) to {Folder}." +
            (Missing.Count == 0 ? "" : $"\n{Missing.Count} referenced files were gone (deleted or expired while the backup ran): {string.Join(", ", Missing.Take(10))}");
    }

    public sealed class BackupException(string message) : Exception(message);

    public static async Task<Summary> RunAsync(StoragePaths source, string folder, CancellationToken ct)
    {
        if (!File.Exists(source.DatabaseFile))
            throw new BackupException($"There is no database at {source.DatabaseFile} (Storage:Root is {source.Root}).");
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
            throw new BackupException($"The output folder {folder} is not empty; give a new or empty folder.");
        if (IsInside(folder, source.Root))
            throw new BackupException($"The output folder {folder} is inside Storage:Root ({source.Root}); put the backup elsewhere.");
        Directory.CreateDirectory(folder);
        var target = new StoragePaths(Options.Create(new StorageOptions { Root = folder }));

        // The snapshot: SQLite copies the pages of one read transaction, so a job finishing meanwhile is
        // either wholly in it or wholly not. Pooling off: the copy's file is closed when this returns.
        await using (var from = new SqliteConnection($"Data Source={source.DatabaseFile};Pooling=False"))
        await using (var to = new SqliteConnection($"Data Source={target.DatabaseFile};Pooling=False"))
        {
            await from.OpenAsync(ct);
            await to.OpenAsync(ct);
            from.BackupDatabase(to);
            await using var journal = to.CreateCommand();
            journal.CommandText = "PRAGMA journal_mode=DELETE;"; // one self-contained file; the app switches back to WAL at start
            await journal.ExecuteNonQueryAsync(ct);
        }

        var (jobs, referenced) = await ReferencedFilesAsync(target.DatabaseFile, ct);
        int files = 0;
        long bytes = 0;
        var missing = new List<string>();
        foreach (var relative in referenced)
        {
            var from = source.Absolute(relative);
            if (!IsInside(from, source.Root)) continue; // never follow a path out of the data folder
            var to = target.Absolute(relative);
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            try
            {
                File.Copy(from, to, overwrite: false);
                files++;
                bytes += new FileInfo(to).Length;
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { missing.Add(relative); }
        }
        return new Summary(folder, jobs, files, bytes, missing);
    }

    /// <summary>Every file path the backed-up jobs hold (relative to the data folder), each once.</summary>
    private static async Task<(int Jobs, IReadOnlyList<string> Paths)> ReferencedFilesAsync(string databaseFile, CancellationToken ct)
    {
        await using var db = new SqliteConnection($"Data Source={databaseFile};Mode=ReadOnly;Pooling=False");
        await db.OpenAsync(ct);
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT ImagePath, AudioPath, OutputPath, ThumbnailPath FROM Jobs";
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        int jobs = 0;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            jobs++;
            for (int i = 0; i < reader.FieldCount; i++)
                if (!reader.IsDBNull(i) && reader.GetString(i) is { Length: > 0 } path) paths.Add(path);
        }
        return (jobs, paths.ToList());
    }

    private static bool IsInside(string path, string root)
    {
        var full = Path.GetFullPath(path);
        var prefix = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        return full.StartsWith(prefix, StringComparison.Ordinal) || full == prefix.TrimEnd(Path.DirectorySeparatorChar);
    }
}
