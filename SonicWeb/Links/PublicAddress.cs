using Microsoft.Extensions.Options;
using SonicWeb.Notifications;

namespace SonicWeb.Links;

/// <summary>
/// Absolute addresses for programs: Links:PublicBaseUrl when set, else the scheme and host the request
/// came to (after the forwarded-headers middleware applied a trusted proxy's X-Forwarded-Proto/Host),
/// else (outside a request: webhooks) Email:PublicBaseUrl, the address emails link to.
/// </summary>
public sealed class PublicAddress(IOptions<ProgramLinkOptions> options, IOptions<EmailOptions> email)
{
    public string Absolute(HttpRequest? request, string path) => BaseFor(request) + "/" + path.TrimStart('/');

    private string BaseFor(HttpRequest? request) =>
        options.Value.PublicBaseUrl is { Length: > 0 } configured ? configured.TrimEnd('/')
        : request is not null ? $"{request.Scheme}://{request.Host}{request.PathBase}"
        : email.Value.PublicBaseUrl.TrimEnd('/');
}
