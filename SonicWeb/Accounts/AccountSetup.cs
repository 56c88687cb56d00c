using Microsoft.AspNetCore.Identity;
using SonicWeb.Data;

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

    /// <summary>User and role stores on SonicDbContext, without cookies (enough for the CLI).</summary>
    public static IdentityBuilder AddAccountStores(this IServiceCollection services, IConfiguration config)
    {
        var accounts = config.GetSection(AccountOptions.Section).Get<AccountOptions>() ?? new AccountOptions();
        services.AddSingleton(accounts);
        services.AddScoped<UserDirectory>();
        return services.AddIdentityCore<SonicUser>(o => Configure(o, accounts))
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<SonicDbContext>();
    }
}
