using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace SonicWeb.LoadBench;

/// <summary>
/// One job-page watcher: the SignalR JSON hub protocol over a WebSocket (negotiate, handshake,
/// Join(jobId)), then it records, for every "progress" message, now minus the server's sentAt stamp.
/// Messages end with the record separator 0x1E; a frame may hold several or part of one.
/// </summary>
public sealed class HubWatcher : IAsyncDisposable
{
    private const byte RecordSeparator = 0x1e;
    private readonly ClientWebSocket _socket = new();
    private readonly List<byte> _pending = new();
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _reader;

    public List<double> LatenciesMs { get; } = new();
    public long LastSequence { get; private set; }
    public int OutOfOrder { get; private set; }
    /// <summary>Completes when a "status" message says the job finished.</summary>
    public Task Finished => _finished.Task;

    public static async Task<HubWatcher> ConnectAsync(HttpClient http, CookieContainer cookies, Uri baseAddress, string jobId, CancellationToken ct)
    {
        using var negotiate = await http.PostAsync("/hubs/jobs/negotiate?negotiateVersion=1", null, ct);
        negotiate.EnsureSuccessStatusCode();
        var token = (await negotiate.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("connectionToken").GetString()!;

        var watcher = new HubWatcher();
        watcher._socket.Options.Cookies = cookies; // the hub needs the signed-in caller, like the REST API
        var ws = new UriBuilder(baseAddress) { Scheme = "ws", Path = "/hubs/jobs", Query = "id=" + Uri.EscapeDataString(token) }.Uri;
        await watcher._socket.ConnectAsync(ws, ct);
        await watcher.SendAsync("{\"protocol\":\"json\",\"version\":1}", ct);
        await watcher.SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId = "1", target = "Join", arguments = new[] { jobId } }), ct);
        watcher._reader = Task.Run(() => watcher.ReadLoopAsync(ct), CancellationToken.None);
        return watcher;
    }

    private Task SendAsync(string json, CancellationToken ct) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(json + (char)RecordSeparator), WebSocketMessageType.Text, true, ct);

    private async Task ReadLoopAsync(CancellationToken ct)
    {
        var buffer = new byte[16384];
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var result = await _socket.ReceiveAsync(buffer, ct);
                var receivedAt = DateTime.UtcNow; // before any parsing: the client's own cost is not the server's latency
                if (result.MessageType == WebSocketMessageType.Close) break;
                for (int i = 0; i < result.Count; i++)
                {
                    if (buffer[i] != RecordSeparator) { _pending.Add(buffer[i]); continue; }
                    Handle(_pending.ToArray(), receivedAt);
                    _pending.Clear();
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException) { }
        finally { _finished.TrySetResult(); }
    }

    private void Handle(byte[] record, DateTime receivedAt)
    {
        using var doc = JsonDocument.Parse(record);
        var root = doc.RootElement;
        if (!root.TryGetProperty("type", out var type)) return; // handshake answer "{}"
        if (type.GetInt32() == 7) { _finished.TrySetResult(); return; }
        if (type.GetInt32() != 1) return; // completions (Join), pings
        var target = root.GetProperty("target").GetString();
        var payload = root.GetProperty("arguments")[0];
        if (target == "progress")
        {
            var sentAt = payload.GetProperty("sentAt").GetDateTime().ToUniversalTime();
            LatenciesMs.Add((receivedAt - sentAt).TotalMilliseconds);
            long sequence = payload.GetProperty("sequence").GetInt64();
            if (sequence <= LastSequence) OutOfOrder++;
            LastSequence = sequence;
        }
        else if (target == "status" && payload.GetProperty("status").GetString() is "Succeeded" or "Failed" or "Cancelled")
            _finished.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }
        catch (WebSocketException) { }
        _socket.Abort();
        if (_reader != null) await _reader;
        _socket.Dispose();
    }
}
