using Microsoft.Extensions.DependencyInjection;
using SonicWeb.Accounts;

namespace SonicWeb.Tests.Web.Programs;

/// <summary>What the tests of program-facing features share: a program's client with its own API key.</summary>
public static class ProgramKit
{
    /// <summary>An operator with an API key (made through the same service as the settings page) and a cookie-less client sending it.</summary>
    public static async Task<(HttpClient Client, string Key, string KeyId)> ApiKeyClientAsync(WebTestHost host, string email = "script@sonicweb.test")
    {
        await host.CreateUserAsync(email, "Operator", "Catalogue script");
        await using var scope = host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<SonicUser>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException(email);
        var (record, key) = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(user.Id, "workflow");
        var client = host.Anonymous();
        client.DefaultRequestHeaders.Add(ApiKeyService.Header, key);
        return (client, key, record.Id);
    }
}
