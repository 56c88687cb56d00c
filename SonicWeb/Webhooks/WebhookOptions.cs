using System.Net;
using SonicWeb.Hosting;

namespace SonicWeb.Webhooks;

/// <summary>Calls to other programs when a job ends (section "Webhooks").</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>
    /// Ranges (CIDR, e.g. "127.0.0.0/8", "10.20.0.0/16", "::1/128") a webhook may target although they are
    /// private, loopback or link-local. Empty: only public addresses, so a user cannot make the server call
    /// its own internal network.
    /// </summary>
    public string[] AllowedTargets { get; set; } = [];

    /// <summary>The HMAC-SHA256 key of the signature header. Empty: one is generated at first start and kept in the storage root (webhook-signing-key).</summary>
    public string SigningSecret { get; set; } = "";

    /// <summary>How long one call may take before it counts as failed.</summary>
    public double TimeoutSeconds { get; set; } = 10;

    /// <summary>A failed call is retried after this long, doubling up to <see cref="RetryMaxSeconds"/>, <see cref="MaxAttempts"/> calls in all.</summary>
    public double RetryInitialSeconds { get; set; } = 10;
    public double RetryMaxSeconds { get; set; } = 3600;
    public int MaxAttempts { get; set; } = 12;

    /// <summary>Longest callback URL accepted.</summary>
    public const int MaxUrlLength = 2000;

    public TimeSpan RetryDelay(int attemptsSoFar) =>
        TimeSpan.FromSeconds(Math.Min(RetryMaxSeconds, RetryInitialSeconds * Math.Pow(2, Math.Max(0, attemptsSoFar - 1))));

    public IReadOnlyList<IPNetwork> AllowedNetworks() =>
        AllowedTargets.Select(t => IPNetwork.TryParse(t.Trim(), out var n) ? n : (IPNetwork?)null).OfType<IPNetwork>().ToList();
}

public sealed class WebhookOptionsValidator : OptionsValidator<WebhookOptions>
{
    public override IEnumerable<string> Problems(WebhookOptions o)
    {
        foreach (var target in o.AllowedTargets)
            if (!IPNetwork.TryParse(target.Trim(), out _))
                yield return $"Webhooks:AllowedTargets holds '{target}'; each entry must be an address range such as 127.0.0.0/8 or fd00::/8";
        if (o.TimeoutSeconds is <= 0 or > 300) yield return $"Webhooks:TimeoutSeconds is {o.TimeoutSeconds}; it must be above 0 and at most 300";
        if (o.RetryInitialSeconds is <= 0 or > 86400) yield return $"Webhooks:RetryInitialSeconds is {o.RetryInitialSeconds}; it must be above 0 and at most 86400";
        if (o.RetryMaxSeconds < o.RetryInitialSeconds) yield return $"Webhooks:RetryMaxSeconds is {o.RetryMaxSeconds}; it must be at least RetryInitialSeconds ({o.RetryInitialSeconds})";
        if (o.MaxAttempts is < 1 or > 100) yield return $"Webhooks:MaxAttempts is {o.MaxAttempts}; it must be between 1 and 100";
        if (o.SigningSecret.Length is > 0 and < 16) yield return "Webhooks:SigningSecret is shorter than 16 characters; use a long random value (or leave it empty to have one generated)";
    }
}
