using System.Collections.Concurrent;
using System.Diagnostics;

namespace SonicWeb.LoadBench.Soak;

/// <summary>Every request the soak's clients make (when, how long, the status) and every job they submitted, from all threads.</summary>
public sealed class SoakRecorder
{
    public readonly record struct Call(double AtSeconds, string Kind, int Status, double Ms);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<Call> _calls = new();
    private readonly ConcurrentDictionary<string, string> _jobs = new(); // id -> last status seen
    private readonly ConcurrentQueue<double> _finishedAt = new();
    private readonly ConcurrentQueue<string> _problems = new();

    public double Now => _clock.Elapsed.TotalSeconds;

    /// <summary>Times one request; returns the response (the caller disposes it). A transport error counts as status 0.</summary>
    public async Task<HttpResponseMessage?> TimeAsync(string kind, Func<Task<HttpResponseMessage>> send, bool readBody = true)
    {
        double start = Now;
        try
        {
            var response = await send();
            if (readBody) await response.Content.LoadIntoBufferAsync();
            Add(start, kind, (int)response.StatusCode);
            if ((int)response.StatusCode >= 500)
                Problem($"{kind}: {(int)response.StatusCode} {Trim(await response.Content.ReadAsStringAsync())}");
            return response;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            Add(start, kind, 0);
            Problem($"{kind}: {e.GetType().Name} {e.Message}");
            return null;
        }
    }

    private void Add(double start, string kind, int status) => _calls.Enqueue(new Call(start, kind, status, (Now - start) * 1000));

    public void Accepted(string jobId) => _jobs[jobId] = "accepted";

    public void Finished(string jobId, string status)
    {
        _jobs[jobId] = status;
        _finishedAt.Enqueue(Now);
    }

    public void Problem(string text) { if (_problems.Count < 50) _problems.Enqueue(text); }

    public IReadOnlyList<Call> Calls => _calls.ToArray();
    public IReadOnlyDictionary<string, string> Jobs => _jobs;
    public IReadOnlyList<double> FinishedAt => _finishedAt.ToArray();
    public IReadOnlyList<string> Problems => _problems.ToArray();

    private static string Trim(string s) => s.Length > 300 ? s[..300] : s;
}
