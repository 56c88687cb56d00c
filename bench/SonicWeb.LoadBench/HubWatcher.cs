using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace SonicWeb.LoadBench;

/// <summary>
/// One job-page watcher: Microsoft's SignalR client (JSON protocol over a WebSocket) joins the job's group on the
/// public hub, then records, for every "progress" message, now minus the server's sentAt stamp. The handler runs
/// after the client has parsed the message, so the figure includes that (sub-millisecond) parse.
/// </summary>
public sealed class HubWatcher : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();

    public List<double> LatenciesMs { get; } = new();
    public long LastSequence { get; private set; }
    public int OutOfOrder { get; private set; }
    /// <summary>Completes when a "status" message says the job finished, or the connection closes.</summary>
    public Task Finished => _finished.Task;

    private HubWatcher(HubConnection connection)
    {
        _connection = connection;
        connection.On<JsonElement>("progress", OnProgress);
        connection.On<JsonElement>("status", status =>
        {
            if (status.GetProperty("status").GetString() is "Succeeded" or "Failed" or "Cancelled") _finished.TrySetResult();
        });
        connection.Closed += _ => { _finished.TrySetResult(); return Task.CompletedTask; };
    }

    public static async Task<HubWatcher> ConnectAsync(CookieContainer cookies, Uri baseAddress, string jobId, CancellationToken ct)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, "/hubs/jobs"), o =>
            {
                o.Cookies = cookies; // the hub needs the signed-in caller, like the REST API
                o.Transports = HttpTransportType.WebSockets;
                
            })
            .Build();
        var watcher = new HubWatcher(connection);
        await connection.StartAsync(ct);
        await connection.InvokeAsync<JsonElement>("Join", jobId, ct);
        return watcher;
    }

    private void OnProgress(JsonElement payload)
    {
        var receivedAt = DateTime.UtcNow;
        var sentAt = payload.GetProperty("sentAt").GetDateTime().ToUniversalTime();
        long sequence = payload.GetProperty("sequence").GetInt64();
        lock (_gate)
        {
            LatenciesMs.Add((receivedAt - sentAt).TotalMilliseconds);
            if (sequence <= LastSequence) OutOfOrder++;
            LastSequence = sequence;
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
