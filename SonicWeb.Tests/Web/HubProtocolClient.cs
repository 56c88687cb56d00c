using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace SonicWeb.Tests.Web;

/// <summary>
/// A minimal SignalR client speaking the JSON hub protocol over a WebSocket (Microsoft's .NET client
/// is not installable here): negotiate, handshake, invoke, and a stream of server invocations.
/// Messages end with the record separator 0x1E; one WebSocket frame may hold several or part of one.
/// </summary>
public sealed class HubProtocolClient : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';
    private readonly ClientWebSocket _socket = new();
    private readonly Channel<JsonElement> _messages = Channel.CreateUnbounded<JsonElement>();
    private readonly CancellationTokenSource _stop = new();
    private Task? _reader;
    private int _invocationId;

    /// <summary>Invocations from the server (type 1): target and first argument.</summary>
    public ChannelReader<JsonElement> Messages => _messages.Reader;

    public static async Task<HubProtocolClient> ConnectAsync(Uri baseAddress, string hubPath, System.Net.CookieContainer? cookies = null, string? apiKey = null)
    {
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies ?? new() }) { BaseAddress = baseAddress };
        if (apiKey != null) http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        using var negotiate = await http.PostAsync($"{hubPath}/negotiate?negotiateVersion=1", null);
        negotiate.EnsureSuccessStatusCode();
        var n = await negotiate.Content.ReadFromJsonAsync<JsonElement>();
        var token = n.GetProperty("connectionToken").GetString()!;

        var client = new HubProtocolClient();
        if (cookies != null) client._socket.Options.Cookies = cookies;
        if (apiKey != null) client._socket.Options.SetRequestHeader("X-Api-Key", apiKey);
        var ws = new UriBuilder(baseAddress) { Scheme = "ws", Path = hubPath, Query = "id=" + Uri.EscapeDataString(token) }.Uri;
        await client._socket.ConnectAsync(ws, CancellationToken.None);
        await client.SendAsync("{\"protocol\":\"json\",\"version\":1}");
        var handshake = await client.ReceiveRecordsAsync(CancellationToken.None);
        if (handshake.Count == 0 || handshake[0] != "{}") throw new InvalidOperationException("handshake failed: " + string.Join("|", handshake));
        foreach (var extra in handshake.Skip(1)) client.Dispatch(extra);
        client._reader = Task.Run(client.ReadLoopAsync);
        return client;
    }

    private readonly Dictionary<string, TaskCompletionSource<JsonElement>> _pending = new();

    /// <summary>Calls a hub method and returns its completion message's result.</summary>
    public async Task<JsonElement> InvokeAsync(string target, params object[] args)
    {
        var id = Interlocked.Increment(ref _invocationId).ToString();
        var tcs = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_pending) _pending[id] = tcs;
        await SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId = id, target, arguments = args }));
        return await tcs.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private Task SendAsync(string json) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(json + RecordSeparator), WebSocketMessageType.Text, true, CancellationToken.None);

    private readonly StringBuilder _partial = new();

    private async Task<List<string>> ReceiveRecordsAsync(CancellationToken ct)
    {
        var buffer = new byte[16384];
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close) return [];
            _partial.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
            var text = _partial.ToString();
            int last = text.LastIndexOf(RecordSeparator);
            if (last < 0) continue;
            _partial.Clear().Append(text[(last + 1)..]);
            return text[..last].Split(RecordSeparator).ToList();
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested && _socket.State == WebSocketState.Open)
            {
                var records = await ReceiveRecordsAsync(_stop.Token);
                if (records.Count == 0) break;
                foreach (var r in records) Dispatch(r);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException) { }
        finally { _messages.Writer.TryComplete(); }
    }

    private void Dispatch(string record)
    {
        var message = JsonDocument.Parse(record).RootElement.Clone();
        switch (message.GetProperty("type").GetInt32())
        {
            case 1: _messages.Writer.TryWrite(message); break;
            case 3:
                TaskCompletionSource<JsonElement>? tcs;
                lock (_pending) _pending.Remove(message.GetProperty("invocationId").GetString()!, out tcs);
                if (message.TryGetProperty("error", out var error)) tcs?.TrySetException(new InvalidOperationException(error.GetString()));
                else tcs?.TrySetResult(message.TryGetProperty("result", out var result) ? result : default);
                break;
            case 7: _messages.Writer.TryComplete(); break; // close
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try { await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None); } catch (WebSocketException) { }
        if (_reader != null) await _reader;
        _socket.Dispose();
    }
}
