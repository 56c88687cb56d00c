namespace SonicWeb.Api.OpenApi;

/// <summary>Endpoint metadata: the request body the handler reads itself, for the OpenAPI document (<see cref="DocumentedBodies"/>).</summary>
public sealed record DocumentedBody(Type Type, IReadOnlyList<string> ContentTypes);

/// <summary>Endpoint metadata: the call needs no API key or cookie (a signed link carries its own proof).</summary>
public sealed class NoCredentialsMetadata;

/// <summary>What endpoint maps add so the document describes what the generator cannot see.</summary>
public static class OpenApiConventions
{
    /// <summary>Documents a body the handler reads from the request itself (multipart uploads are streamed to disk, never bound).</summary>
    public static RouteHandlerBuilder DocumentsBody<T>(this RouteHandlerBuilder builder, params string[] contentTypes) =>
        builder.WithMetadata(new DocumentedBody(typeof(T), contentTypes));

    public static TBuilder WithNoCredentials<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new NoCredentialsMetadata());
}
