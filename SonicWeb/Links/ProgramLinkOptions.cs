using SonicWeb.Hosting;

namespace SonicWeb.Links;

/// <summary>
/// Links handed to programs (section "Links"): the public address they are built on and how long a signed
/// download link works.
/// </summary>
public sealed class ProgramLinkOptions
{
    public const string Section = "Links";

    /// <summary>
    /// The address programs reach the app at (e.g. https://videos.example.com). Empty: the address of the
    /// request being answered, with X-Forwarded-Proto/Host honoured from the proxies listed in ReverseProxy:KnownProxies/KnownNetworks.
    /// </summary>
    public string PublicBaseUrl { get; set; } = "";

    /// <summary>How long a signed video/preview/thumbnail link works (default 24 h).</summary>
    public double LifetimeSeconds { get; set; } = 24 * 3600;

    public TimeSpan Lifetime => TimeSpan.FromSeconds(LifetimeSeconds);
}

public sealed class ProgramLinkOptionsValidator : OptionsValidator<ProgramLinkOptions>
{
    public override IEnumerable<string> Problems(ProgramLinkOptions o)
    {
        if (o.PublicBaseUrl.Length > 0 && (!Uri.TryCreate(o.PublicBaseUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")))
            yield return $"Links:PublicBaseUrl is '{o.PublicBaseUrl}'; it must be empty or an absolute http(s) address";
        if (o.LifetimeSeconds is < 1 or > 366 * 24 * 3600)
            yield return $"Links:LifetimeSeconds is {o.LifetimeSeconds}; it must be between 1 and {366 * 24 * 3600} (a year)";
    }
}
