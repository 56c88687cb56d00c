using System.ComponentModel;
using System.Diagnostics;
using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Scheduling;

namespace SonicWeb.Engine.Media;

/// <summary>How a process's pipes are used. Stdout is always drained (to <see cref="ReadStdout"/> or
/// discarded) and stderr is always read line by line, so ffmpeg can never block on a full pipe.</summary>
public sealed class FfmpegRunOptions
{
    /// <summary>Keep stdin open for the caller to write to (<see cref="FfmpegProcess.Input"/>).</summary>
    public bool WriteStdin { get; init; }

    /// <summary>Consumes stdout; runs concurrently with the stderr reader. Null: stdout is discarded.</summary>
    public Func<Stream, CancellationToken, Task>? ReadStdout { get; init; }

    /// <summary>Sees every stderr line; return true when the line was consumed (for example a -progress
    /// key=value line) so it is not kept in the error tail.</summary>
    public Func<string, bool>? OnStderrLine { get; init; }

    public int StderrTailLines { get; init; } = 64;

    /// <summary>Wall-clock limit: the process is killed after this long and <see cref="FfmpegProcess.Failure"/> says so.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>The setting that holds <see cref="TimeLimit"/>, named in the failure message.</summary>
    public string TimeLimitSetting { get; init; } = "Ffmpeg:ReadSeconds";

    /// <summary>Nice steps below the app for this process (Linux; see <see cref="OsPriority"/>); 0 keeps the app's priority.</summary>
    public int Nice { get; init; }
}

/// <summary>
/// The one owner of ffmpeg/ffprobe processes. It starts the process from an <see cref="FfmpegArguments"/>
/// list, drains stdout and stderr concurrently (keeping the last lines of stderr for error messages),
/// exposes stdin as a stream, and on cancellation or disposal closes stdin, kills the whole process tree and
/// waits for it to exit. Every running process is also registered in its owner's <see cref="FfmpegProcessTable"/>,
/// which kills whatever still runs when the owner (the host) stops.
/// </summary>
public sealed class FfmpegProcess : IAsyncDisposable, IDisposable
{
    /// <summary>How long to wait for a killed process to disappear before giving up waiting.</summary>
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);

    private readonly Process _process;
    private readonly string _displayName;
    private readonly Queue<string> _stderrTail = new();
    private readonly int _stderrTailLines;
    private readonly Task _stdoutTask;
    private readonly Task _stderrTask;
    private readonly CancellationTokenSource _readersCts = new();
    private readonly FfmpegProcessTable _table;
    private readonly Timer? _deadline;
    private readonly string _limitText = "";
    private volatile bool _timedOut;
    private int _disposed;

    private FfmpegProcess(Process process, string displayName, FfmpegRunOptions options, FfmpegProcessTable table)
    {
        _table = table;
        _process = process;
        _displayName = displayName;
        _stderrTailLines = Math.Max(1, options.StderrTailLines);
        if (!options.WriteStdin)
            TryCloseStdin();
        _stdoutTask = DrainStdoutAsync(options.ReadStdout);
        _stderrTask = ReadStderrAsync(options.OnStderrLine);
        _table.Add(this);
        if (options.TimeLimit is { } limit && limit > TimeSpan.Zero)
        {
            _limitText = $"its limit of {limit.TotalSeconds:0} s ({options.TimeLimitSetting})";
            _deadline = new Timer(_ => { _timedOut = true; KillNow(); }, null, limit, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>True when the process was killed for running past its <see cref="FfmpegRunOptions.TimeLimit"/>.</summary>
    public bool TimedOut => _timedOut;

    /// <summary>Number of ffmpeg/ffprobe processes started here (in every table) and not yet exited/disposed.</summary>
    public static int RunningCount => FfmpegProcessTable.RunningEverywhere;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Stdin of the process (only with <see cref="FfmpegRunOptions.WriteStdin"/>).</summary>
    public Stream Input => _process.StandardInput.BaseStream;

    /// <summary>Last stderr lines (not consumed by <see cref="FfmpegRunOptions.OnStderrLine"/>).</summary>
    public string StderrTail
    {
        get { lock (_stderrTail) return string.Join('\n', _stderrTail); }
    }

    /// <summary>
    /// Starts <paramref name="executable"/>, owned by <paramref name="table"/> (by default
    /// <see cref="FfmpegProcessTable.Unowned"/>). A missing executable raises ffmpeg_missing with an install hint.
    /// </summary>
    public static FfmpegProcess Start(string executable, FfmpegArguments arguments, FfmpegRunOptions? options = null, FfmpegProcessTable? table = null)
    {
        options ??= new FfmpegRunOptions();
        var psi = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        foreach (var a in arguments.Items) psi.ArgumentList.Add(a);
        table ??= FfmpegProcessTable.Unowned;
        if (table.OwnerTag is { } owner) psi.Environment[FfmpegProcessTable.OwnerVariable] = owner;
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new Win32Exception("Process.Start returned null");
        }
        catch (Win32Exception e)
        {
            var tool = Path.GetFileName(executable);
            throw new SonicEngineException(EngineErrorCodes.FfmpegMissing,
                $"{tool} could not be started from '{executable}' ({e.Message}). Install ffmpeg (Debian/Ubuntu: apt-get install -y ffmpeg) " +
                $"or set the path of {tool} to the executable.", e)
            { Setting = tool.Contains("ffprobe", StringComparison.OrdinalIgnoreCase) ? "Ffmpeg:FfprobePath" : "Ffmpeg:FfmpegPath" };
        }
        // Lowered before it has read its first input byte: the threads it starts later inherit the value.
        if (options.Nice > 0) OsPriority.LowerProcess(process.Id, options.Nice);
        return new FfmpegProcess(process, Path.GetFileName(executable), options, table);
    }

    /// <summary>
    /// Waits for the process to exit and for both output readers to finish; returns the exit code.
    /// On cancellation the process is killed first, then OperationCanceledException is thrown.
    /// </summary>
    public async Task<int> WaitForExitAsync(CancellationToken ct)
    {
        try
        {
            await _process.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await KillAsync().ConfigureAwait(false);
            throw;
        }
        // The readers end at EOF, which follows exit (unless a grandchild holds the pipe: bound the wait).
        await Task.WhenAny(Task.WhenAll(_stdoutTask, _stderrTask), Task.Delay(KillWait, ct)).ConfigureAwait(false);
        if (_stdoutTask.IsFaulted) await _stdoutTask.ConfigureAwait(false); // surface reader errors
        _table.Remove(this);
        return _process.ExitCode;
    }

    /// <summary>Waits for exit and throws <paramref name="failureCode"/> when the exit code is not 0.</summary>
    public async Task WaitForSuccessAsync(string failureCode, string what, CancellationToken ct)
    {
        var exit = await WaitForExitAsync(ct).ConfigureAwait(false);
        if (exit != 0) throw Failure(failureCode, what);
    }

    /// <summary>A domain exception naming what failed, the exit code (if exited) and the stderr tail.</summary>
    public SonicEngineException Failure(string code, string what, Exception? inner = null)
    {
        var exit = _timedOut ? $"stopped after running past {_limitText}" : _process.HasExited ? $"exit code {_process.ExitCode}" : "still running";
        var tail = _timedOut ? "" : StderrTail;
        var message = $"{what} ({_displayName} {exit})" + (tail.Length > 0 ? ": " + tail : ".");
        return new SonicEngineException(code, message, inner);
    }

    /// <summary>Closes stdin, kills the process tree and waits (bounded) until it has exited.</summary>
    public async Task KillAsync()
    {
        TryCloseStdin();
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { /* exited meanwhile */ }
        catch (Win32Exception) { /* exiting; nothing left to kill */ }
        using var timeout = new CancellationTokenSource(KillWait);
        try { await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false); }
        catch (OperationCanceledException) { /* give up waiting; the OS reaps it */ }
        _readersCts.Cancel();
        _table.Remove(this);
    }

    /// <summary>Kills the process tree without waiting; safe to call from a cancellation callback (a blocked
    /// write to stdin then fails at once with a broken pipe).</summary>
    public void KillNow()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
        catch (Win32Exception) { }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (_deadline is not null) await _deadline.DisposeAsync().ConfigureAwait(false);
        if (!HasExitedSafe()) await KillAsync().ConfigureAwait(false);
        _readersCts.Cancel();
        try { await Task.WhenAll(_stdoutTask, _stderrTask).WaitAsync(KillWait).ConfigureAwait(false); }
        catch (Exception) { /* readers only report pipe errors after a kill */ }
        _table.Remove(this);
        _process.Dispose();
        _readersCts.Dispose();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _deadline?.Dispose();
        TryCloseStdin();
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
        catch (Win32Exception) { }
        _process.WaitForExit(1000);
        _readersCts.Cancel();
        _table.Remove(this);
        _process.Dispose();
        _readersCts.Dispose();
    }

    public void CloseInput() => TryCloseStdin();

    private bool HasExitedSafe()
    {
        try { return _process.HasExited; }
        catch (InvalidOperationException) { return true; }
    }

    private void TryCloseStdin()
    {
        try { _process.StandardInput.Close(); }
        catch (IOException) { /* broken pipe: the process is gone already */ }
        catch (InvalidOperationException) { }
    }

    private async Task DrainStdoutAsync(Func<Stream, CancellationToken, Task>? reader)
    {
        await Task.Yield();
        var stdout = _process.StandardOutput.BaseStream;
        if (reader != null)
            await reader(stdout, _readersCts.Token).ConfigureAwait(false);
        // Whatever the reader left (or everything, without a reader) is discarded so ffmpeg never blocks.
        await stdout.CopyToAsync(Stream.Null, _readersCts.Token).ConfigureAwait(false);
    }

    private async Task ReadStderrAsync(Func<string, bool>? onLine)
    {
        await Task.Yield();
        var stderr = _process.StandardError;
        try
        {
            while (await stderr.ReadLineAsync(_readersCts.Token).ConfigureAwait(false) is { } line)
            {
                if (onLine != null && onLine(line)) continue;
                if (line.Length == 0) continue;
                lock (_stderrTail)
                {
                    _stderrTail.Enqueue(line);
                    while (_stderrTail.Count > _stderrTailLines) _stderrTail.Dequeue();
                }
            }
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
    }
}
