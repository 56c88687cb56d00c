using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using SonicWeb.Webhooks;

namespace SonicWeb.Api.OpenApi;

/// <summary>
/// The call SonicWeb makes to a job's callback_url, as an OpenAPI 3.1 webhook ("job-finished"): the JSON
/// body (<see cref="WebhookPayload"/>, also under components/schemas) and the signature headers, so a
/// receiver can be generated from the same document as the client.
/// </summary>
internal sealed class WebhookDocumentation : IOpenApiDocumentTransformer
{
    public const string Name = "job-finished";
    public const string SchemaName = nameof(WebhookPayload);

    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        var schema = await context.GetOrCreateSchemaAsync(typeof(WebhookPayload), null, ct);
        schema.Description = "The body of a webhook call. event is job.succeeded, job.failed or job.cancelled; task_id, success, video_url and error "
            + "keep the old service's names; job is the job as GET /api/jobs/{id} shows it, with absolute signed links.";
        // The generator inlines the nested job (and loses that its error may be null): the job is the JobView the paths use.
        if (schema.Properties is { } properties && document.Components?.Schemas?.ContainsKey(nameof(Jobs.JobView)) == true)
            properties["job"] = new OpenApiSchemaReference(nameof(Jobs.JobView), document);
        document.AddComponent<IOpenApiSchema>(SchemaName, schema);

        var operation = new OpenApiOperation
        {
            OperationId = "JobFinishedWebhook",
            Summary = "SonicWeb POSTs this to the job's callback_url (or its API key's default) when the job succeeds, fails or is cancelled.",
            Description = "Verify it: HMAC-SHA256 with the installation's webhook secret (Admin > Webhooks) over \"{X-SonicWeb-Timestamp}.{raw body}\", "
                + "hex, compared with X-SonicWeb-Signature after 'sha256='; refuse timestamps far from now (replay). Any 2xx answer within "
                + "Webhooks:TimeoutSeconds counts as delivered; otherwise the call is retried with backoff (Webhooks:RetryInitialSeconds doubling up to "
                + "Webhooks:RetryMaxSeconds, at most Webhooks:MaxAttempts), so the same X-SonicWeb-Delivery may arrive more than once.",
            Tags = new HashSet<OpenApiTagReference> { new("Webhooks", document) },
            Parameters =
            [
                Header(WebhookSigning.SignatureHeader, "sha256=<hex of HMAC-SHA256(secret, timestamp + \".\" + body)>"),
                Header(WebhookSigning.TimestampHeader, "Unix time in seconds when the call was signed."),
                Header(WebhookSigning.EventHeader, "The event, as in the body: job.succeeded, job.failed or job.cancelled."),
                Header(WebhookSigning.DeliveryHeader, "The call's id: the same on every retry of one call (deduplicate with it)."),
            ],
            RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = new OpenApiSchemaReference(SchemaName, document), Example = ApiExamples.For(typeof(WebhookPayload), WebhookPayload.Json) },
                },
            },
            Responses = new OpenApiResponses
            {
                ["2XX"] = new OpenApiResponse { Description = "Delivered: no further attempts." },
                ["default"] = new OpenApiResponse { Description = "Not delivered: tried again later." },
            },
        };
        var item = new OpenApiPathItem();
        item.AddOperation(HttpMethod.Post, operation);
        document.Webhooks ??= new Dictionary<string, IOpenApiPathItem>();
        document.Webhooks[Name] = item;
    }

    private static OpenApiParameter Header(string name, string description) => new()
    {
        Name = name, In = ParameterLocation.Header, Required = true, Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };
}
