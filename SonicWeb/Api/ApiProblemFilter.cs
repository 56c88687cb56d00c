using SonicWeb.Engine.Errors;
using SonicWeb.Errors;

namespace SonicWeb.Api;

/// <summary>Turns what services and the engine refuse into ProblemDetails answers (<see cref="ProblemMapping"/>).</summary>
public sealed class ApiProblemFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try { return await next(context); }
        catch (CapacityExceededException e)
        {
            context.HttpContext.Response.Headers.RetryAfter = e.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return ProblemMapping.ToResult(e);
        }
        catch (DomainException e) { return ProblemMapping.ToResult(e); }
        catch (SonicEngineException e) { return ProblemMapping.ToResult(e); }
    }
}
