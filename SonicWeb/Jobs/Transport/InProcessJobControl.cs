using System.Collections.Concurrent;

namespace SonicWeb.Jobs.Transport;

/// <summary>
/// The stop handles of the work running in this process, by job id (a job has at most one piece of
/// work at a time: its check or its render). Losing this table (a restart) loses nothing: the work
/// it could stop stopped too.
/// </summary>
public sealed class InProcessJobControl : IJobControl
{
    private readonly ConcurrentDictionary<string, Registration> _running = new();

    public IDisposable Register(string jobId, Action stop)
    {
        var registration = new Registration(this, jobId, stop);
        _running[jobId] = registration; // a fresh check replaces one that was already told to stop
        return registration;
    }

    public Task<bool> StopAsync(string jobId, CancellationToken ct)
    {
        if (!_running.TryGetValue(jobId, out var registration)) return Task.FromResult(false);
        try { registration.Stop(); }
        catch (ObjectDisposedException) { return Task.FromResult(false); } // ended meanwhile
        return Task.FromResult(true);
    }

    /// <summary>True while work on the job is registered here.</summary>
    public bool IsRegistered(string jobId) => _running.ContainsKey(jobId);

    private sealed class Registration(InProcessJobControl owner, string jobId, Action stop) : IDisposable
    {
        public void Stop() => stop();

        public void Dispose() => owner._running.TryRemove(KeyValuePair.Create(jobId, this));
    }
}
