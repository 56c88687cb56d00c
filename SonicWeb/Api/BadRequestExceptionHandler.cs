using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Diagnostics;

namespace SonicWeb.Api;

/// <summary>
/// Requests the framework itself refuses (a form post without a valid antiforgery token, a malformed
/// body) throw <see cref="BadHttpRequestException"/> or <see cref="AntiforgeryValidationException"/>.
/// Without this handler the Development environment's exception page turns them into 500s; with it
/// they are the 400 (or the exception's own 4xx) they are, with a ProblemDetails body, in every environment.
/// </summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problems, ILogger<BadRequestExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var (status, code, detail) = exception switch
        {
            AntiforgeryValidationException or { InnerException: AntiforgeryValidationException } => (400, Security.FormTokenMiddleware.RefusedCode,
                Security.FormTokenMiddleware.RefusedDetail),
            BadHttpRequestException bad when bad.StatusCode is >= 400 and < 500 => (bad.StatusCode, Errors.InputRejectedException.BadRequestCode, bad.Message),
            _ => (0, "", ""),
        };
        if (status == 0 || http.Response.HasStarted) return false;
        log.LogInformation("Refused {Method} {Path} with {Status}: {Reason}", http.Request.Method, http.Request.Path, status, exception.Message);
        http.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = { Status = status, Title = ProblemMapping.TitleFor(status), Detail = detail, Extensions = { ["code"] = code } },
        });
    }
}
