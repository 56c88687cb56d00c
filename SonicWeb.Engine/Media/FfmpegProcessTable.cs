using System.Collections.Concurrent;

namespace SonicWeb.Engine.Media;

/// <summary>
/// The ffmpeg/ffprobe processes one owner started and that still run. A host registers one table as a
/// singleton service (it reaches the engine through <see cref="FfmpegOptions.Processes"/>); when the
/// host stops, disposing the table kills every child still running, so a stopped app never leaves an
/// encoder behind. Programs without a host (tests, benchmarks, tools) share <see cref="Unowned"/>.
/// </summary>
public sealed class FfmpegProcessTable : IAsyncDisposable
{
    private static int s_runningEverywhere;
    private readonly ConcurrentDictionary<FfmpegProcess, byte> _running = new();

    /// <summary>The table of processes started by code that has no host to own them.</summary>
    public static FfmpegProcessTable Unowned { get; } = new();

    /// <summary>The environment variable that carries <see cref="OwnerTag"/> into every process of a tagged table.</summary>
    public const string OwnerVariable = "SONICWEB_DATA_ROOT";

    /// <summary>
    /// Set by a host (the web app sets its data folder): each process started for this table carries it in
    /// <see cref="OwnerVariable"/>, so the next instance can tell the ffmpeg a killed instance left behind from
    /// anyone else's ffmpeg on the machine. Null: processes are not tagged.
    /// </summary>
    public string? OwnerTag { get; set; }

    /// <summary>Processes of this table that have not exited or been disposed.</summary>
    public int Count => _running.Count;

    /// <summary>Processes of every table that have not exited or been disposed.</summary>
    internal static int RunningEverywhere => Volatile.Read(ref s_runningEverywhere);

    internal void Add(FfmpegProcess process)
    {
        if (_running.TryAdd(process, 0)) Interlocked.Increment(ref s_runningEverywhere);
    }

    internal void Remove(FfmpegProcess process)
    {
        if (_running.TryRemove(process, out _)) Interlocked.Decrement(ref s_runningEverywhere);
    }

    /// <summary>Kills every process of this table that still runs and waits (bounded) for each to exit.</summary>
    public Task KillAllAsync() => Task.WhenAll(_running.Keys.Select(p => p.KillAsync()));

    public async ValueTask DisposeAsync() => await KillAllAsync().ConfigureAwait(false);
}
