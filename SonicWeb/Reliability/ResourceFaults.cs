using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Data.Sqlite;
using SonicWeb.Api;

namespace SonicWeb.Reliability;

/// <summary>
/// Faults of the machine rather than of the request: the database locked by another process (SQLite) or
/// out of reach (PostgreSQL down, restarting, too many connections), the disk of Storage:Root full. Found
/// anywhere in an exception's chain (EF wraps the providers' errors).
/// </summary>
public static class ResourceFaults
{
    /// <param name="Message">What is wrong, for a job's error and the 503's detail.</param>
    /// <param name="Advice">What a client sending a request should do.</param>
    public sealed record Fault(string Code, string Message, string Advice);

    private const int SqliteBusy = 5, SqliteLocked = 6, SqliteFull = 13;
    private const int NoSpaceLeft = 28; // ENOSPC
    private const string AdminShutdown = "57P01", CrashShutdown = "57P02", CannotConnectNow = "57P03";

    /// <summary>The database is locked or out of reach for now: the same write may succeed in a moment.</summary>
    public static bool IsDatabaseUnavailable(Exception exception) => Classify(exception)?.Code is "database_unavailable" or "database_locked";

    /// <summary>
    /// A write that may go through later without anything being changed: the database unavailable, or the disk
    /// full (SQLite keeps its database on Storage:Root, so a full disk refuses its writes until space is freed).
    /// </summary>
    public static bool MayGoThroughLater(Exception exception) => IsDatabaseUnavailable(exception) || Classify(exception)?.Code == "disk_full";

    public static Fault? Classify(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked }:
                    return new("database_locked", "The database is locked by another process (SQLite: database is locked).", "Nothing was changed; try again shortly.");
                case Npgsql.NpgsqlException { IsTransient: true }:
                case Npgsql.PostgresException { SqlState: AdminShutdown or CrashShutdown or CannotConnectNow }: // the server stopping or restarting
                    return new("database_unavailable", "The database server (PostgreSQL) cannot be reached or is busy.", "Nothing was changed; try again shortly.");
                case SqliteException { SqliteErrorCode: SqliteFull }:
                case IOException io when (io.HResult & 0xFFFF) == NoSpaceLeft || io.Message.Contains("No space left on device", StringComparison.Ordinal):
                    return new("disk_full", "The disk that holds the data folder (Storage:Root) is full.", "Nothing was stored; try again once space is freed.");
            }
        }
        return null;
    }
}

/// <summary>Turns a <see cref="ResourceFaults"/> fault into 503 Service Unavailable with its reason and a Retry-After, instead of a 500.</summary>
public sealed class ResourceFaultExceptionHandler(IProblemDetailsService problems, ILogger<ResourceFaultExceptionHandler> log) : IExceptionHandler
{
    public const int RetryAfterSeconds = 10;

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (ResourceFaults.Classify(exception) is not { } fault || http.Response.HasStarted) return false;
        log.LogWarning("{Method} {Path} answered 503 ({Code}): {Error}", http.Request.Method, http.Request.Path, fault.Code, exception.Message);
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = { Status = 503, Title = "Temporarily unavailable", Detail = fault.Message + " " + fault.Advice, Extensions = { ["code"] = fault.Code } },
        });
    }
}
