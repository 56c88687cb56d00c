using Microsoft.Extensions.Options;

namespace SonicWeb.Accounts;

/// <summary>
/// At start-up: the three roles exist, and when no enabled admin exists yet, one is created from
/// Admin:Email + Admin:Password (environment: Admin__Email, Admin__Password). There is never a
/// default password: without both settings the app starts without an admin and says how to make one.
/// </summary>
public sealed class AdminBootstrap(IServiceScopeFactory scopes, IOptions<AdminBootstrapOptions> options, ILogger<AdminBootstrap> log) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var directory = scope.ServiceProvider.GetRequiredService<UserDirectory>();
        await directory.EnsureRolesAsync();
        if (await directory.AnyAdminAsync()) return;

        var o = options.Value;
        if (string.IsNullOrWhiteSpace(o.Email) || string.IsNullOrEmpty(o.Password))
        {
            log.LogWarning("There is no admin account. Set Admin__Email and Admin__Password and restart, or run `SonicWeb users add --email you@example.com --role Admin`.");
            return;
        }
        var result = await directory.CreateAsync(o.Email, o.DisplayName, Roles.Admin, o.Password);
        if (result.Succeeded) log.LogInformation("Admin account {Email} created from configuration", o.Email);
        else log.LogError("The admin account from configuration could not be created: {Errors}", string.Join(" ", result.Errors));
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
