using System.Diagnostics;

namespace SonicWeb.Logging;

/// <summary>One structured log line per request: method, path, status, duration, request size.</summary>
public sealed class RequestLoggingMiddleware(RequestDelegate next, ILogger<RequestLoggingMiddleware> log)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var clock = Stopwatch.StartNew();
        try { await next(http); }
        finally
        {
            var path = http.Request.Path.Value ?? "";
            var level = path.StartsWith("/api/", StringComparison.Ordinal) || path.StartsWith("/hubs/", StringComparison.Ordinal) || http.Response.StatusCode >= 500
                ? LogLevel.Information : LogLevel.Debug;
            log.Log(level, "HTTP {Method} {Path} -> {Status} in {ElapsedMs:0.0} ms ({RequestBytes} B in)",
                http.Request.Method, path, http.Response.StatusCode, clock.Elapsed.TotalMilliseconds, http.Request.ContentLength ?? -1);
        }
    }
}
