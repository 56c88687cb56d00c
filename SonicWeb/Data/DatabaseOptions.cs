namespace SonicWeb.Data;

/// <summary>Which database holds the jobs, users and keys (configuration section "Database").</summary>
public enum DatabaseProvider
{
    /// <summary>A file under Storage:Root: one process on one machine (the default).</summary>
    Sqlite,
    /// <summary>A PostgreSQL server named by ConnectionStrings:Postgres: shared by several web and worker nodes.</summary>
    Postgres,
}

public sealed class DatabaseOptions
{
    public const string Section = "Database";
    public const string PostgresConnectionName = "Postgres";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// Several processes may share this database (and Storage:Root): start-up then leaves alone what other
    /// nodes may be doing (their running jobs, their uploads, their ffmpeg processes).
    /// </summary>
    public bool Shared => Provider == DatabaseProvider.Postgres;

    /// <summary>Reads the section once, for registration time (before options validation runs).</summary>
    public static DatabaseOptions From(IConfiguration config)
    {
        var raw = config[$"{Section}:Provider"];
        if (string.IsNullOrWhiteSpace(raw)) return new DatabaseOptions();
        if (!Enum.TryParse<DatabaseProvider>(raw.Trim(), ignoreCase: true, out var provider) || !Enum.IsDefined(provider))
            throw new InvalidOperationException($"Database:Provider is '{raw}'; it must be Sqlite or Postgres.");
        return new DatabaseOptions { Provider = provider };
    }
}
