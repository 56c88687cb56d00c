using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using SonicWeb.Accounts;
using SonicWeb.Data;
using SonicWeb.Notifications;
using SonicWeb.Hosting;
using SonicWeb.Presets;
using SonicWeb.Webhooks;

namespace SonicWeb.Tests.Web.Components;

/// <summary>
/// bUnit with MudBlazor's services and the app's real services over a real SQLite file in a temporary folder
/// (users, presets, API keys, preferences). The signed-in user is bUnit's test double: <see cref="SignIn"/> sets
/// who it is and which role policies it passes, so a test can show what each role may see and do.
/// xunit v2: MudBlazor's services are only async-disposable, hence IAsyncLifetime and base.DisposeAsync().
/// </summary>
public abstract class ComponentTestContext : BunitContext, IAsyncLifetime
{
    private readonly BunitAuthorizationContext _auth;

    protected ComponentTestContext()
    {
        Root = Directory.CreateTempSubdirectory("sonicweb-bunit-").FullName;
        JSInterop.Mode = JSRuntimeMode.Loose; // MudBlazor calls its own JS; the tests verify the calls they care about
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Root"] = Root,
            ["Webhooks:AllowedTargets:0"] = "192.168.50.0/24", // an installation's own network, allowed for webhooks
        }).Build();
        Services.AddLogging();
        Services.AddMudServices();
        Services.AddSonicStorage(config);
        Services.AddSingleton<IConfiguration>(config); // options bind from the container's configuration (BindConfiguration)
        Services.AddAccountStores();
        Services.AddSingleton<PresetService>();
        Services.AddSingleton<AccountPreferences>();
        Services.AddScoped<ApiKeyService>();
        Services.AddScoped<CircuitUser>();
        Services.AddSingleton<NotificationQueries>();
        Services.AddValidatedOptions<WebhookOptions, WebhookOptionsValidator>(WebhookOptions.Section);
        Services.AddSingleton<WebhookTargets>();
        Services.AddSingleton<CallbackChoice>();
        _auth = AddAuthorization();
    }

    protected string Root { get; }

    /// <summary>Signs in as this user with these roles; the role policies follow the app's (see AuthSetup).</summary>
    protected void SignIn(string userId, string name, string role)
    {
        _auth.SetAuthorized(name);
        _auth.SetRoles(role);
        _auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, userId), new Claim(SonicClaimsFactory.DisplayNameClaim, name));
        var policies = new List<string>();
        if (role == Roles.Admin) policies.AddRange([Policies.Admin, Policies.Submit, Policies.Review]);
        if (role == Roles.Operator) policies.Add(Policies.Submit);
        if (role == Roles.Reviewer) policies.Add(Policies.Review);
        _auth.SetPolicies(policies.ToArray());
    }

    /// <summary>A real account in the test database, through the same directory the admin page uses.</summary>
    protected async Task<string> CreateUserAsync(string email, string role, string name)
    {
        await using var scope = Services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<UserDirectory>().CreateAsync(email, name, role, "a-password-for-tests");
        Assert.True(result.Succeeded, string.Join(" ", result.Errors));
        return result.User!.Id;
    }

    public async Task InitializeAsync()
    {
        await using var context = await Services.GetRequiredService<IDbContextFactory<SonicDbContext>>().CreateDbContextAsync();
        await context.Database.EnsureCreatedAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
