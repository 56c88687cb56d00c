using Microsoft.AspNetCore.Antiforgery;

namespace SonicWeb.Security;

/// <summary>
/// Marks an endpoint as the target of a plain HTML form of the site's pages (sign-in, sign-out, the admin's forms):
/// the post must carry the page's antiforgery token. The REST API is not marked: programs authenticate with an
/// API key header, which a hostile page cannot make a browser send.
/// </summary>
public sealed class FormTokenRequired
{
    public static readonly FormTokenRequired Instance = new();
}

public static class FormTokens
{
    /// <summary>
    /// Requires the form's token on this endpoint (or group). The framework's own metadata makes the antiforgery
    /// middleware check the token; <see cref="FormTokenMiddleware"/> then refuses a post that failed the check.
    /// </summary>
    public static TBuilder RequireFormToken<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequireAntiforgeryTokenAttribute(), FormTokenRequired.Instance);

    /// <summary>Right after UseAntiforgery, which records the outcome of its check but refuses nothing itself.</summary>
    public static void UseFormTokens(this WebApplication app) => app.UseMiddleware<FormTokenMiddleware>();
}

/// <summary>
/// Refuses (400 ProblemDetails, code "antiforgery_failed") a form post whose antiforgery check failed or never ran, before
/// the endpoint runs. WHY a middleware: the framework's antiforgery middleware only records the outcome, and the
/// framework refuses only when an endpoint binds a form field; an endpoint that reads no field (sign-out, enable or
/// disable a user, send a test email) ran with any token or none. The check also never runs for a post that is not
/// form-encoded (no body at all): that counts as "no token" here too.
/// </summary>
public sealed class FormTokenMiddleware(RequestDelegate next)
{
    /// <summary>The same answer as when the framework's own check throws (<see cref="Api.BadRequestExceptionHandler"/>).</summary>
    public const string RefusedCode = "antiforgery_failed";
    public const string RefusedDetail = "The form's security token (antiforgery) is missing or expired, so nothing was changed. Reload the page and send the form again.";

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<FormTokenRequired>() is not null
            && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
            && context.Features.Get<IAntiforgeryValidationFeature>() is not { IsValid: true })
        {
            await Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The form has expired",
                detail: RefusedDetail, extensions: new Dictionary<string, object?> { ["code"] = RefusedCode }).ExecuteAsync(context);
            return;
        }
        await next(context);
    }
}
