using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using SonicWeb.Data;
using SonicWeb.Hosting;

namespace SonicWeb.Accounts;

/// <summary>Identity registration shared by the web app and the `users` command-line verb.</summary>
public static class AccountSetup
{
    /// <summary>Password rules and lockout from the "Accounts" section.</summary>
    public static void Configure(IdentityOptions o, AccountOptions a)
    {
        o.User.RequireUniqueEmail = true;
        o.Password.RequiredLength = a.PasswordMinLength;
        o.Password.RequiredUniqueChars = 4;
        o.Password.RequireDigit = false;
        o.Password.RequireLowercase = false;
        o.Password.RequireUppercase = false;
        o.Password.RequireNonAlphanumeric = false;
        o.Lockout.AllowedForNewUsers = true;
        o.Lockout.MaxFailedAccessAttempts = a.LockoutMaxFailures;
        o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(a.LockoutMinutes);
        o.SignIn.RequireConfirmedAccount = false;
    }

    /// <summary>User and role stores on SonicDbContext, without cookies (enough for the CLI); the "Accounts" section validated.</summary>
    public static IdentityBuilder AddAccountStores(this IServiceCollection services)
    {
        services.AddValidatedOptions<AccountOptions, AccountOptionsValidator>(AccountOptions.Section);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<AccountOptions>>().Value);
        services.AddOptions<IdentityOptions>().Configure<IOptions<AccountOptions>>((o, accounts) => Configure(o, accounts.Value));
        services.AddScoped<UserDirectory>();
        return services.AddIdentityCore<SonicUser>()
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<SonicDbContext>();
    }
}
