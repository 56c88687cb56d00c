using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using SonicWeb.Errors;

namespace SonicWeb.Webhooks;

/// <summary>
/// Which addresses a webhook may call. Private (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7),
/// loopback, link-local (169.254/16 with cloud metadata, fe80::/10), unspecified and multicast
/// addresses are refused unless Webhooks:AllowedTargets names their range: otherwise anyone who may
/// submit a job could make the server probe or call the network it sits in. Checked when the URL is
/// given (a clear 400) and again on every connection, with the address actually connected to (a DNS
/// name that later points inside is still refused).
/// </summary>
public sealed class WebhookTargets(IOptions<WebhookOptions> options)
{
    private static readonly IPNetwork[] Internal =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("224.0.0.0/3"),
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("ff00::/8"),
    ];

    /// <summary>Null when the server may call <paramref name="address"/>; else why not, naming the setting that would allow it.</summary>
    public string? Refusal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        var range = Internal.Where(n => n.Contains(address)).Select(n => (IPNetwork?)n).FirstOrDefault();
        if (range is null) return null;
        if (options.Value.AllowedNetworks().Any(n => n.Contains(address))) return null;
        return $"{address} is in the private, loopback or link-local range {range}; webhooks may only call public addresses unless Webhooks:AllowedTargets lists the range";
    }

    /// <summary>
    /// Checks a URL a user gave (form field, config, API key default): absolute http(s), at most
    /// <see cref="WebhookOptions.MaxUrlLength"/> characters, and every address its host resolves to allowed.
    /// Returns the URL; throws a 400 naming the problem.
    /// </summary>
    public async Task<string> CheckAsync(string url, CancellationToken ct)
    {
        if (url.Length > WebhookOptions.MaxUrlLength)
            throw Refused($"callback_url is {url.Length} characters long; the limit is {WebhookOptions.MaxUrlLength}.");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0)
            throw Refused($"callback_url '{url}' is not an absolute http:// or https:// address (without user name or password).");
        IPAddress[] addresses;
        try { addresses = IPAddress.TryParse(uri.IdnHost, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(uri.IdnHost, ct); }
        catch (SocketException e) { throw Refused($"callback_url's host '{uri.Host}' cannot be resolved ({e.SocketErrorCode})."); }
        if (addresses.Length == 0) throw Refused($"callback_url's host '{uri.Host}' has no address.");
        foreach (var address in addresses)
            if (Refusal(address) is { } why) throw Refused($"callback_url '{url}' is refused: {why}.");
        return uri.ToString();
    }

    public const string RefusedCode = "callback_refused";

    private static InputRejectedException Refused(string message) => InputRejectedException.Field(Api.SubmitOptions.CallbackUrlName, message, RefusedCode);
}
