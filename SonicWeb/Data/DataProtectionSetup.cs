using Microsoft.AspNetCore.DataProtection;

namespace SonicWeb.Data;

/// <summary>
/// The keys that sign the sign-in cookie and antiforgery tokens. With PostgreSQL they live in the shared
/// database (table DataProtectionKeys) under one application name, so a cookie issued by one web node is
/// accepted by every other. With SQLite (one machine) nothing changes: ASP.NET Core's default key ring
/// (~/.aspnet/DataProtection-Keys of the user running the app).
/// </summary>
public static class DataProtectionSetup
{
    /// <summary>Same on every node, whatever folder it is installed in (the default name is the content root path).</summary>
    public const string ApplicationName = "SonicWeb";

    public static void AddSonicDataProtection(this IServiceCollection services, IConfiguration config)
    {
        if (DatabaseOptions.From(config).Provider != DatabaseProvider.Postgres) return;
        services.AddDataProtection()
            .SetApplicationName(ApplicationName)
            .PersistKeysToDbContext<SonicDbContext>();
    }
}
