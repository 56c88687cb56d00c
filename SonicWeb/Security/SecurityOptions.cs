namespace SonicWeb.Security;

/// <summary>
/// Configuration section "Security": the headers every response carries. The defaults let the Blazor
/// circuit (a same-origin WebSocket) and MudBlazor (its own css/js, inline style attributes) work without
/// any inline script.
/// </summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    public const string DefaultContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "font-src 'self' data:; connect-src 'self'; media-src 'self' blob:; object-src 'none'; base-uri 'self'; " +
        "form-action 'self'; frame-ancestors 'none'";

    /// <summary>Sent as Content-Security-Policy on every response; empty sends none.</summary>
    public string ContentSecurityPolicy { get; set; } = DefaultContentSecurityPolicy;

    /// <summary>Sent as Referrer-Policy: job pages carry job ids in their URLs, other sites should not see them.</summary>
    public string ReferrerPolicy { get; set; } = "same-origin";

    /// <summary>
    /// Strict-Transport-Security max-age on responses to HTTPS requests; 0 (the default) sends none. Turn it on
    /// only once the site is served over HTTPS for good: browsers then refuse plain HTTP for this long.
    /// </summary>
    public int HstsMaxAgeSeconds { get; set; }

    /// <summary>
    /// Origins (scheme://host[:port], exactly as browsers send them in the Origin header) whose pages may send
    /// state-changing requests with a signed-in user's cookie, besides SonicWeb's own pages. Empty by default: a page of
    /// another site or another address of the same site is refused (<see cref="CrossSiteRequestMiddleware"/>).
    /// </summary>
    public List<string> TrustedOrigins { get; set; } = [];
}

/// <summary>
/// Configuration section "ReverseProxy": which machines may tell the app the client's address and scheme
/// (X-Forwarded-For, X-Forwarded-Proto). Only requests that come from one of these are believed; by default
/// none is, so a client cannot claim to be someone else or to have used HTTPS.
/// </summary>
public sealed class ReverseProxyOptions
{
    public const string Section = "ReverseProxy";

    /// <summary>Addresses of the proxies in front of the app, e.g. ["127.0.0.1"] for nginx on the same machine.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of proxies in CIDR form, e.g. ["10.0.0.0/8"].</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>How many proxies in a row are trusted (the entries of X-Forwarded-For read from the right).</summary>
    public int ForwardLimit { get; set; } = 1;
}
