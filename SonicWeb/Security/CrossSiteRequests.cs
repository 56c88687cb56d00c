using Microsoft.Extensions.Options;
using SonicWeb.Accounts;

namespace SonicWeb.Security;

/// <summary>
/// Refuses (403 ProblemDetails, code "cross_site_request") a state-changing request that a browser sent on behalf of
/// another site or another origin of the same site. WHY: the sign-in cookie is SameSite=Lax, which keeps it off
/// cross-site posts but not off posts from a page on the same site (another port, or a sibling subdomain such as
/// other.example.com next to sonic.example.com); the REST API's cookie-authenticated calls take no antiforgery token,
/// so without this such a page could cancel, retry or submit jobs as the signed-in user.
/// <para>
/// How a browser request is recognised (the same rule as the Fetch Metadata recommendation): Sec-Fetch-Site, which
/// every current browser sends and no page can forge, must be "same-origin" or "none" (typed in the address bar).
/// A browser that sends no Sec-Fetch-Site but an Origin header is judged by the Origin's host against the request's
/// Host. A request with neither is not from a browser page (curl, scripts, the SignalR .NET client) and is let through:
/// it cannot carry a victim's cookie without the victim's program sending it. A request with an X-Api-Key header is let
/// through too: no page can make a browser add that header to another origin's request without a CORS preflight, which
/// the app never grants.
/// </para>
/// </summary>
public sealed class CrossSiteRequestMiddleware(RequestDelegate next, IOptionsMonitor<SecurityOptions> options, ILogger<CrossSiteRequestMiddleware> log)
{
    public const string RefusedCode = "cross_site_request";

    public async Task InvokeAsync(HttpContext context)
    {
        var reason = RefusalReason(context.Request, options.CurrentValue.TrustedOrigins);
        if (reason is null)
        {
            await next(context);
            return;
        }
        log.LogWarning("Refused {Method} {Path} from another site ({Reason})", context.Request.Method, context.Request.Path, reason);
        await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Request from another site refused",
            detail: $"This request was sent by a page of another site or address ({reason}), so it was refused and nothing was changed. " +
                    "Use SonicWeb's own pages, or call the API from a program with an X-Api-Key header.",
            extensions: new Dictionary<string, object?> { ["code"] = RefusedCode }).ExecuteAsync(context);
    }

    /// <summary>Null when the request may go on; otherwise what gave it away, for the answer and the log.</summary>
    public static string? RefusalReason(HttpRequest request, IReadOnlyCollection<string> trustedOrigins)
    {
        if (IsSafe(request.Method) || request.Headers.ContainsKey(ApiKeyService.Header)) return null;

        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && trustedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase)) return null;

        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0)
            return fetchSite is "same-origin" or "none" ? null : $"Sec-Fetch-Site: {fetchSite}";

        if (origin.Length == 0) return null;
        return Uri.TryCreate(origin, UriKind.Absolute, out var from) && string.Equals(from.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"Origin: {origin}";
    }

    private static bool IsSafe(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method);
}
