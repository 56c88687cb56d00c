using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using SonicWeb.Hosting;

namespace SonicWeb.Security;

/// <summary>
/// Abuse and exposure limits (docs/security.md): request rate limits, queue limits, security headers,
/// forwarded headers from known proxies only, Secure cookies over HTTPS.
/// </summary>
public static class SecuritySetup
{
    public static void AddSonicSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<SecurityOptions, SecurityOptionsValidator>(SecurityOptions.Section);
        services.AddValidatedOptions<ReverseProxyOptions, ReverseProxyOptionsValidator>(ReverseProxyOptions.Section);
        services.AddValidatedOptions<RateLimitOptions, RateLimitOptionsValidator>(RateLimitOptions.Section);
        services.AddValidatedOptions<QueueLimitOptions, QueueLimitOptionsValidator>(QueueLimitOptions.Section);
        services.AddSingleton<JobCapacity>();

        // The limiter is built once from the settings at start (like Kestrel's limits).
        var rates = builder.Configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddSonicRateLimits(rates);

        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ReverseProxyOptions>>((o, proxy) =>
        {
            // The host too: absolute links in API answers (Links/ProgramLinks) name the address the proxy was called by.
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            o.ForwardLimit = proxy.Value.ForwardLimit;
            // The framework trusts loopback by default; only what the operator lists is trusted here.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var address in proxy.Value.KnownProxies) o.KnownProxies.Add(IPAddress.Parse(address));
            foreach (var network in proxy.Value.KnownNetworks) o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });
        // The form token's cookie, like the sign-in cookie, is Secure whenever the request came over HTTPS.
        services.AddAntiforgery(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
    }

    /// <summary>First in the pipeline: the client's real address and scheme, then the headers on whatever answers.</summary>
    public static void UseSonicEdge(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseMiddleware<SecurityHeadersMiddleware>();
    }

    /// <summary>
    /// After authentication (the per-user limits need the user, cookie or API key) and before authorization, so that
    /// refused callers (a script trying API keys, anonymous calls) are counted per address too.
    /// </summary>
    public static void UseSonicRateLimits(this WebApplication app) => app.UseRateLimiter();
}
