using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;
using SonicWeb.Notifications;

namespace SonicWeb.Webhooks;

/// <summary>The target is in a range webhooks may not call: retrying cannot help.</summary>
public sealed class WebhookRefusedException(string message) : Exception(message);

/// <summary>
/// Makes one webhook call: POST the stored JSON to the target with the signature headers; any answer
/// but 2xx, a timeout or a refused connection is a failed attempt (the outbox retries it). The
/// connection is opened here, to an address checked by <see cref="WebhookTargets"/>; redirects are not followed.
/// </summary>
public sealed class WebhookSender : IOutboxChannel, IDisposable
{
    private readonly HttpClient _http;
    private readonly WebhookSigning _signing;
    private readonly IOptions<WebhookOptions> _options;

    public WebhookSender(WebhookTargets targets, WebhookSigning signing, IOptions<WebhookOptions> options)
    {
        _signing = signing;
        _options = options;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1), // DNS changes are seen (and checked) again
            ConnectCallback = async (context, ct) =>
            {
                var host = context.DnsEndPoint.Host;
                var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
                foreach (var address in addresses)
                    if (targets.Refusal(address) is { } why) throw new WebhookRefusedException(why);
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch { socket.Dispose(); throw; }
            },
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public NotificationChannel Channel => NotificationChannel.Webhook;
    public bool Enabled => true;
    public int MaxAttempts => _options.Value.MaxAttempts;
    public TimeSpan RetryDelay(int attemptsSoFar) => _options.Value.RetryDelay(attemptsSoFar);
    public bool IsPermanent(Exception e) => FindRefusal(e) is not null;

    public async Task SendAsync(NotificationDelivery delivery, CancellationToken ct)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.TargetUrl)
        {
            Content = new StringContent(delivery.TextBody, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(WebhookSigning.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSigning.SignatureHeader, _signing.Sign(timestamp, delivery.TextBody));
        request.Headers.Add(WebhookSigning.EventHeader, delivery.Subject);
        request.Headers.Add(WebhookSigning.DeliveryHeader, delivery.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.UserAgent.ParseAdd("SonicWeb-Webhooks/1");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.Value.TimeoutSeconds));
        HttpResponseMessage response;
        try { response = await _http.SendAsync(request, timeout.Token); }
        catch (Exception e) when (FindRefusal(e) is { } refused) { throw refused; }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"the receiver did not answer within {_options.Value.TimeoutSeconds} s (Webhooks:TimeoutSeconds)");
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"the receiver answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
        }
    }

    private static WebhookRefusedException? FindRefusal(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is WebhookRefusedException refused) return refused;
        return null;
    }

    public void Dispose() => _http.Dispose();
}
