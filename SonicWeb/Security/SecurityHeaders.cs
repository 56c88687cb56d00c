using Microsoft.Extensions.Options;

namespace SonicWeb.Security;

/// <summary>
/// Adds the security headers to every response, whatever produced it (a page, the API, a static file, an
/// error page, a 429): they are set when the response starts, after everything else ran.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next, IOptions<SecurityOptions> options)
{
    public Task InvokeAsync(HttpContext http)
    {
        http.Response.OnStarting(static state =>
        {
            var (context, settings) = ((HttpContext, SecurityOptions))state;
            var headers = context.Response.Headers;
            if (settings.ContentSecurityPolicy.Length > 0) headers.ContentSecurityPolicy = settings.ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY"; // frame-ancestors 'none' for browsers without CSP level 2
            if (settings.ReferrerPolicy.Length > 0) headers["Referrer-Policy"] = settings.ReferrerPolicy;
            if (settings.HstsMaxAgeSeconds > 0 && context.Request.IsHttps)
                headers.StrictTransportSecurity = $"max-age={settings.HstsMaxAgeSeconds}";
            return Task.CompletedTask;
        }, (http, options.Value));
        return next(http);
    }
}
