using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace SonicWeb.Tests.Web.Programs;

/// <summary>One call a receiver got: its headers and body.</summary>
public sealed record ReceivedCall(IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// A program's webhook endpoint: a real HTTP server (HttpListener) on a loopback port, answering 200 and
/// recording each call. It can be created "down" (port reserved, nothing listening) and started later.
/// </summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly Channel<ReceivedCall> _calls = Channel.CreateUnbounded<ReceivedCall>();
    private HttpListener? _listener;

    public WebhookReceiver(bool start = true)
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        if (start) Start();
    }

    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}/hooks/sonic";

    public void Start()
    {
        _listener = new HttpListener();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception) { return; }
                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                var body = await reader.ReadToEndAsync();
                var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
                context.Response.StatusCode = 200;
                context.Response.Close();
                await _calls.Writer.WriteAsync(new ReceivedCall(headers, body));
            }
        });
    }

    public async Task<ReceivedCall> NextAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try { return await _calls.Reader.ReadAsync(cts.Token); }
        catch (OperationCanceledException) { throw new TimeoutException($"no webhook call within {timeout.TotalSeconds} s"); }
    }

    /// <summary>A call already received and not yet taken, if any.</summary>
    public bool TryTake([System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out ReceivedCall call) => _calls.Reader.TryRead(out call);

    public void Dispose()
    {
        if (_listener is { } l) { l.Stop(); l.Close(); }
    }
}
