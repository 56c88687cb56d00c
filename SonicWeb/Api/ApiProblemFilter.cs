using SonicWeb.Engine.Errors;

namespace SonicWeb.Api;

/// <summary>Turns the problems handlers throw into ProblemDetails responses (status + "code" extension).</summary>
public sealed class ApiProblemFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try { return await next(context); }
        catch (ApiProblemException p) { return Problems.ToResult(p); }
        catch (SonicEngineException e) { return Problems.ToResult(Problems.From(e)); }
    }
}
