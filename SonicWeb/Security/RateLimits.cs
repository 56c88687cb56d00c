using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using SonicWeb.Api;

namespace SonicWeb.Security;

/// <summary>
/// The request limits (<see cref="RateLimitOptions"/>): one chained limiter, a fixed window per address and
/// per user for each kind of request. The first limit a request exceeds names itself in the 429's
/// ProblemDetails ("limit": the setting's key), so a client sees which one it hit.
/// </summary>
public static class RateLimits
{
    public const string RateLimitedCode = "rate_limited";
    private const string RejectedBy = "sonicweb.rate-limit";

    private enum Kind { None, SignIn, Submit }

    private static Kind KindOf(HttpRequest r)
    {
        if (!HttpMethods.IsPost(r.Method)) return Kind.None;
        if (r.Path.Equals("/account/login", StringComparison.OrdinalIgnoreCase)) return Kind.SignIn;
        return r.Path.StartsWithSegments("/api/jobs", out var rest) && (!rest.HasValue || rest == "/")
            || r.Path.StartsWithSegments("/api/batches", out rest) && (!rest.HasValue || rest == "/")
            || r.Path.Equals("/api/sonic/generate", StringComparison.OrdinalIgnoreCase)
            ? Kind.Submit : Kind.None;
    }

    private static bool IsApi(HttpRequest r) => r.Path.StartsWithSegments("/api");

    private static string Address(HttpContext c) => c.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>The user the request is signed in as (cookie or API key: the key's user), or null.</summary>
    private static string? User(HttpContext c) => c.User.FindFirstValue(ClaimTypes.NameIdentifier);

    /// <summary>The setting's description for the 429 answer.</summary>
    private sealed record Limit(string Key, int Permits, int WindowSeconds, string What, string Per);

    public static void AddSonicRateLimits(this IServiceCollection services, RateLimitOptions o)
    {
        var limits = new (Limit Limit, Func<HttpContext, string?> Partition)[]
        {
            (new("RateLimits:SignInPerIp", o.SignInPerIp, o.SignInWindowSeconds, "sign-in attempts", "from one address"),
                c => KindOf(c.Request) == Kind.SignIn ? Address(c) : null),
            (new("RateLimits:SubmitPerUser", o.SubmitPerUser, o.SubmitWindowSeconds, "submissions", "by one user"),
                c => KindOf(c.Request) == Kind.Submit ? User(c) : null),
            (new("RateLimits:SubmitPerIp", o.SubmitPerIp, o.SubmitWindowSeconds, "submissions", "from one address"),
                c => KindOf(c.Request) == Kind.Submit ? Address(c) : null),
            (new("RateLimits:ApiPerUser", o.ApiPerUser, o.ApiWindowSeconds, "API requests", "by one user or API key"),
                c => IsApi(c.Request) ? User(c) : null),
            (new("RateLimits:ApiPerIp", o.ApiPerIp, o.ApiWindowSeconds, "API requests", "from one address"),
                c => IsApi(c.Request) ? Address(c) : null),
        };
        var byKey = limits.ToDictionary(l => l.Limit.Key, l => l.Limit);
        services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.CreateChained(limits
                .Where(l => l.Limit.Permits > 0)
                .Select(l => (PartitionedRateLimiter<HttpContext>)new NamedLimiter(l.Limit.Key, Window(l.Limit, l.Partition)))
                .ToArray());
            options.OnRejected = (context, ct) =>
            {
                var limit = byKey[(string)context.HttpContext.Items[RejectedBy]!];
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Ceiling(wait.TotalSeconds) : limit.WindowSeconds;
                retryAfter = Math.Max(1, retryAfter);
                var response = context.HttpContext.Response;
                response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                return new ValueTask(Results.Problem(
                    statusCode: StatusCodes.Status429TooManyRequests,
                    title: ProblemMapping.TitleFor(StatusCodes.Status429TooManyRequests),
                    detail: $"Too many {limit.What} {limit.Per}: at most {limit.Permits} per {limit.WindowSeconds} s ({limit.Key}). Try again in {retryAfter} s.",
                    extensions: new Dictionary<string, object?> { ["code"] = RateLimitedCode, ["limit"] = limit.Key, ["retryAfterSeconds"] = retryAfter })
                    .ExecuteAsync(context.HttpContext));
            };
        });
    }

    private static PartitionedRateLimiter<HttpContext> Window(Limit limit, Func<HttpContext, string?> partition) =>
        PartitionedRateLimiter.Create<HttpContext, string>(c => partition(c) is { } key
            ? RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
                { PermitLimit = limit.Permits, Window = TimeSpan.FromSeconds(limit.WindowSeconds), QueueLimit = 0 })
            : RateLimitPartition.GetNoLimiter(""));

    /// <summary>Records on the request which limit refused it (the chain stops at the first refusal).</summary>
    private sealed class NamedLimiter(string name, PartitionedRateLimiter<HttpContext> inner) : PartitionedRateLimiter<HttpContext>
    {
        public override RateLimiterStatistics? GetStatistics(HttpContext resource) => inner.GetStatistics(resource);

        protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount) =>
            Mark(resource, inner.AttemptAcquire(resource, permitCount));

        protected override async ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken ct) =>
            Mark(resource, await inner.AcquireAsync(resource, permitCount, ct));

        private RateLimitLease Mark(HttpContext http, RateLimitLease lease)
        {
            if (!lease.IsAcquired) http.Items[RejectedBy] = name;
            return lease;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
