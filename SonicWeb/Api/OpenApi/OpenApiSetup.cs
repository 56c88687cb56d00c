using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using SonicWeb.Accounts;
using SonicWeb.Engine.Pipeline;

namespace SonicWeb.Api.OpenApi;

/// <summary>
/// The OpenAPI document at /openapi/v1.json (OpenAPI 3.1), complete enough to generate a client: the
/// generator's paths and schemas, plus what it cannot see: the multipart bodies the handlers stream
/// themselves, the error answers (<see cref="ProblemResponses"/>), how to authenticate, examples, and
/// the webhook SonicWeb calls (<see cref="WebhookDocumentation"/>). The conformance test
/// (OpenApiConformanceTests) checks it against the running API's answers.
/// </summary>
public static class OpenApiSetup
{
    public const string ApiKeyScheme = "ApiKey";
    public const string CookieScheme = "Cookie";

    public static IServiceCollection AddSonicOpenApi(this IServiceCollection services) => services.AddOpenApi(o =>
    {
        o.AddSchemaTransformer<NumberSchemas>();
        o.AddSchemaTransformer<GenerationParameterSchemas>();
        o.AddSchemaTransformer<SchemaExamples>();
        o.AddOperationTransformer<DocumentedBodies>();
        o.AddOperationTransformer<OperationSecurity>();
        o.AddDocumentTransformer<DocumentInfo>();
        o.AddDocumentTransformer<WebhookDocumentation>();
    });
}

/// <summary>Title, description and the two ways to authenticate.</summary>
internal sealed class DocumentInfo : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Info.Title = "SonicWeb API";
        document.Info.Description = "Talking-head videos from one portrait and one voice recording. Programs send an API key (Settings > API keys) "
            + "in the X-Api-Key header and act as its owner with the owner's role. Every refusal is RFC 9457 ProblemDetails with a stable 'code'. "
            + "Jobs run in the background: submit (202), then poll GET /api/jobs/{id}, or give a callback_url and receive the webhook 'job-finished'.";
        document.AddComponent<IOpenApiSecurityScheme>(OpenApiSetup.ApiKeyScheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = ApiKeyService.Header,
            Description = "An API key made on the Settings page (swk_...); the program acts as the key's owner.",
        });
        document.AddComponent<IOpenApiSecurityScheme>(OpenApiSetup.CookieScheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Cookie, Name = AuthSetup.CookieName,
            Description = "The sign-in cookie of the web pages (POST /account/login).",
        });
        return Task.CompletedTask;
    }
}

/// <summary>Each operation says how to authenticate: an API key or the cookie, or nothing for signed links.</summary>
internal sealed class OperationSecurity : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<NoCredentialsMetadata>().Any() || metadata.OfType<IAllowAnonymous>().Any())
        {
            operation.Security = [];
            return Task.CompletedTask;
        }
        operation.Security =
        [
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OpenApiSetup.ApiKeyScheme, context.Document)] = [] },
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OpenApiSetup.CookieScheme, context.Document)] = [] },
        ];
        return Task.CompletedTask;
    }
}

/// <summary>The request bodies declared with <see cref="OpenApiConventions.DocumentsBody{T}"/>.</summary>
internal sealed class DocumentedBodies : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<DocumentedBody>().LastOrDefault() is not { } body) return;
        var schema = await context.GetOrCreateSchemaAsync(body.Type, null, ct);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = body.ContentTypes.ToDictionary(type => type, _ => new OpenApiMediaType { Schema = schema }),
        };
    }
}

/// <summary>
/// Numbers are numbers. The app reads numbers sent as strings too (the web defaults), so the generator
/// writes "integer | string" with a pattern; answers always carry JSON numbers, and a generated client
/// should send them, so the string alternative is dropped.
/// </summary>
internal sealed class NumberSchemas : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        if (schema.Type is { } type && (type & (JsonSchemaType.Integer | JsonSchemaType.Number)) != 0 && (type & JsonSchemaType.String) != 0)
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
        return Task.CompletedTask;
    }
}

/// <summary>The generation parameters' help and ranges, from the one table the validator uses (<see cref="ParameterCatalog"/>).</summary>
internal sealed class GenerationParameterSchemas : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        if (context.JsonPropertyInfo is not { } property || !typeof(GenerationFields).IsAssignableFrom(property.DeclaringType)) return Task.CompletedTask;
        var name = property.Name;
        if (ParameterCatalog.All.FirstOrDefault(s => s.Name == name) is { } spec)
            schema.Description = $"{spec.Help} Allowed {spec.HardRange} (else 400 invalid_parameter), recommended {spec.RecommendedRange}"
                + (spec.Default > 0 ? $", default {spec.Format(spec.Default)}." : ".");
        else if (ParameterCatalog.Switches.FirstOrDefault(s => s.Name == name) is { } flag)
            schema.Description = $"{flag.Help} Default {(flag.Default ? "true" : "false")}.";
        else if (name == ParameterCatalog.Crop.Name)
        {
            schema.Description = ParameterCatalog.Crop.Help + " Default " + ParameterCatalog.Crop.Default + ".";
            schema.Enum = [.. ParameterCatalog.Crop.Options.Select(o => (System.Text.Json.Nodes.JsonNode)o.Value)];
        }
        return Task.CompletedTask;
    }
}

/// <summary>An example on each answer's schema (<see cref="ApiExamples"/>), written with the app's own JSON options.</summary>
internal sealed class SchemaExamples : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        if (context.JsonPropertyInfo is null && ApiExamples.For(context.JsonTypeInfo.Type, context.JsonTypeInfo.Options) is { } example)
            schema.Examples = [example];
        return Task.CompletedTask;
    }
}
