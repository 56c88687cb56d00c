using System.Net;
using SonicWeb.Hosting;

namespace SonicWeb.Security;

public sealed class RateLimitOptionsValidator : OptionsValidator<RateLimitOptions>
{
    public override IEnumerable<string> Problems(RateLimitOptions o)
    {
        foreach (var (key, value) in new[]
        {
            ("SignInPerIp", o.SignInPerIp), ("SubmitPerUser", o.SubmitPerUser), ("SubmitPerIp", o.SubmitPerIp),
            ("ApiPerUser", o.ApiPerUser), ("ApiPerIp", o.ApiPerIp),
        })
            if (value < 0) yield return $"RateLimits:{key} is {value}; it must be 0 (no limit) or more.";
        foreach (var (key, value) in new[] { ("SignInWindowSeconds", o.SignInWindowSeconds), ("SubmitWindowSeconds", o.SubmitWindowSeconds), ("ApiWindowSeconds", o.ApiWindowSeconds) })
            if (value < 1) yield return $"RateLimits:{key} is {value}; it must be at least 1.";
    }
}

public sealed class QueueLimitOptionsValidator : OptionsValidator<QueueLimitOptions>
{
    public override IEnumerable<string> Problems(QueueLimitOptions o)
    {
        if (o.MaxUnfinishedJobs < 0) yield return $"Queue:MaxUnfinishedJobs is {o.MaxUnfinishedJobs}; it must be 0 (no limit) or more.";
        if (o.MaxUnfinishedJobsPerUser < 0) yield return $"Queue:MaxUnfinishedJobsPerUser is {o.MaxUnfinishedJobsPerUser}; it must be 0 (no limit) or more.";
        if (o.RetryAfterSeconds < 1) yield return $"Queue:RetryAfterSeconds is {o.RetryAfterSeconds}; it must be at least 1.";
    }
}

public sealed class SecurityOptionsValidator : OptionsValidator<SecurityOptions>
{
    public override IEnumerable<string> Problems(SecurityOptions o)
    {
        if (o.HstsMaxAgeSeconds < 0) yield return $"Security:HstsMaxAgeSeconds is {o.HstsMaxAgeSeconds}; it must be 0 (off) or more.";
        if (o.ContentSecurityPolicy.Contains('\n') || o.ContentSecurityPolicy.Contains('\r')) yield return "Security:ContentSecurityPolicy must be one line.";
        foreach (var origin in o.TrustedOrigins)
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.PathAndQuery != "/" || origin.EndsWith('/'))
                yield return $"Security:TrustedOrigins has '{origin}', which is not an origin: write it as a browser sends it, scheme://host[:port] without a path (e.g. https://shop.example.com).";
    }
}

public sealed class ReverseProxyOptionsValidator : OptionsValidator<ReverseProxyOptions>
{
    public override IEnumerable<string> Problems(ReverseProxyOptions o)
    {
        foreach (var proxy in o.KnownProxies)
            if (!IPAddress.TryParse(proxy, out _)) yield return $"ReverseProxy:KnownProxies has '{proxy}', which is not an IP address.";
        foreach (var network in o.KnownNetworks)
            if (!IPNetwork.TryParse(network, out _)) yield return $"ReverseProxy:KnownNetworks has '{network}', which is not a network in CIDR form (e.g. 10.0.0.0/8).";
        if (o.ForwardLimit < 1) yield return $"ReverseProxy:ForwardLimit is {o.ForwardLimit}; it must be at least 1.";
    }
}
