using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using SonicWeb.Api;
using SonicWeb.Jobs;

namespace SonicWeb.Webhooks;

/// <summary>Body of PUT /api/keys/{id}/callback.</summary>
public sealed record KeyCallback([property: JsonPropertyName("callback_url")] string? CallbackUrl);

/// <summary>
/// PUT /api/keys/{id}/callback sets the default webhook of one of the caller's API keys ("current": the key
/// the call is made with); GET /api/jobs/{id}/webhooks lists a job's webhook calls with their attempts.
/// </summary>
public static class WebhookEndpoints
{
    public static void MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPut("/api/keys/{keyId}/callback", SetKeyCallbackAsync).WithTags("Webhooks").WithName("SetApiKeyCallback")
            .WithSummary("Set (or clear with null) the webhook used for jobs submitted with this API key that name no callback_url.")
            .AddEndpointFilter<ApiProblemFilter>().RequireAuthorization().DocumentsProblems(400, 401, 404);
        app.MapGet("/api/jobs/{id}/webhooks", ListForJobAsync).WithTags("Webhooks").WithName("ListJobWebhooks")
            .WithSummary("The job's webhook calls: event, target, status, attempts, last error, next attempt.")
            .AddEndpointFilter<ApiProblemFilter>().RequireAuthorization().DocumentsProblems(ProblemResponses.ReadOne);
    }

    public static async Task<Results<Ok<KeyCallback>, ProblemHttpResult>> SetKeyCallbackAsync(
        string keyId, KeyCallback body, ClaimsPrincipal user, CallbackChoice choice, CancellationToken ct) =>
        TypedResults.Ok(new KeyCallback(await choice.SetKeyDefaultAsync(keyId, body.CallbackUrl, user, ct)));

    public static async Task<Results<Ok<IReadOnlyList<WebhookAttempt>>, ProblemHttpResult>> ListForJobAsync(
        string id, ClaimsPrincipal user, JobQueries jobs, WebhookQueries webhooks, CancellationToken ct)
    {
        await jobs.GetEntityForAsync(id, user, ct); // the same access as the job itself
        return TypedResults.Ok(await webhooks.ForJobAsync(id, ct));
    }
}
