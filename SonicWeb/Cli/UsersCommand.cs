using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SonicWeb.Accounts;
using SonicWeb.Data;
using SonicWeb.Hosting;
using SonicWeb.Storage;

namespace SonicWeb.Cli;

/// <summary>
/// `users add --email a@b.c --role Admin [--name N] [--password P]`: creates an account in the
/// database under Storage:Root (the web app may be running; SQLite handles both). Without
/// --password a random one is generated and printed once; there is no default password.
/// </summary>
internal static class UsersCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var email = new Option<string>("--email") { Description = "The user's email address (the sign-in name).", Required = true };
        var role = new Option<string>("--role") { Description = "Admin, Operator or Reviewer.", DefaultValueFactory = _ => Roles.Operator };
        var name = new Option<string?>("--name") { Description = "Display name (the history's submitter); defaults to the part before @." };
        var password = new Option<string?>("--password") { Description = "Initial password; omitted: a random one is printed once." };
        var add = new Command("add", "Create a user account.") { email, role, name, password };
        add.SetAction(async (r, ct) =>
        {
            var given = r.GetValue(password);
            var secret = string.IsNullOrEmpty(given) ? UserDirectory.GeneratePassword() : given;
            await using var services = BuildServices(EngineSetup.CliConfiguration());
            await using (var context = await services.GetRequiredService<IDbContextFactory<SonicDbContext>>().CreateDbContextAsync(ct))
            {
                await SchemaUpgrade.EnsureCurrentAsync(context, ct);
            }
            await using var scope = services.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<UserDirectory>()
                .CreateAsync(r.GetValue(email)!, r.GetValue(name), r.GetValue(role)!, secret);
            if (!result.Succeeded)
            {
                await stderr.WriteLineAsync("error: " + string.Join(" ", result.Errors));
                return 1;
            }
            await stdout.WriteLineAsync($"Created {result.User!.Email} ({Roles.Normalize(r.GetValue(role))}).");
            if (string.IsNullOrEmpty(given))
                await stdout.WriteLineAsync($"Password (shown once, not stored in clear): {secret}");
            return 0;
        });
        return new Command("users", "Manage user accounts.") { add };
    }

    /// <summary>The database and Identity's stores, as the web app registers them, without the web host.</summary>
    private static ServiceProvider BuildServices(IConfiguration config)
    {
        var services = new ServiceCollection();
        services.AddSingleton(config);
        services.AddLogging();
        services.AddSonicStorage(config);
        services.AddAccountStores();
        return services.BuildServiceProvider();
    }
}
