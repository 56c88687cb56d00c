using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace SonicWeb.Accounts;

/// <summary>
/// Web sign-in: Identity with a cookie. Pages send anonymous visitors to the sign-in page; the REST
/// API and the hub answer 401/403 with ProblemDetails instead of redirecting.
/// </summary>
public static class AuthSetup
{
    public const string CookieName = "sonicweb.auth";
    public const string SelectorScheme = "CookieOrApiKey";

    public static void AddSonicAuthentication(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AdminBootstrapOptions>().BindConfiguration(AdminBootstrapOptions.Section);
        services.AddAccountStores().AddClaimsPrincipalFactory<SonicClaimsFactory>();
        services.AddHttpContextAccessor();
        services.AddScoped<SonicSignInManager>(); // one instance per request, under both names
        services.AddScoped<SignInManager<SonicUser>>(sp => sp.GetRequiredService<SonicSignInManager>());
        services.AddScoped<ISecurityStampValidator, SecurityStampValidator<SonicUser>>();

        services.AddScoped<ApiKeyService>();
        // One default scheme that picks per request: the API key when the header is there, else the cookie.
        services.AddAuthentication(SelectorScheme)
            .AddPolicyScheme(SelectorScheme, "Cookie or API key", o => o.ForwardDefaultSelector = c =>
                c.Request.Headers.ContainsKey(ApiKeyService.Header) ? ApiKeyAuthenticationHandler.SchemeName : IdentityConstants.ApplicationScheme)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            // Never issued (there is no two-factor sign-in), but Identity's stamp validator signs out of it whenever it
            // rejects a stale cookie (account disabled, role changed): without the scheme that request was a 500.
            .AddCookie(IdentityConstants.TwoFactorRememberMeScheme)
            .AddCookie(IdentityConstants.ApplicationScheme, o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax; // no cookie on cross-site POSTs: the API's CSRF guard
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.LoginPath = "/account/login";
                o.AccessDeniedPath = "/account/denied";
                o.ReturnUrlParameter = "returnUrl";
                o.SlidingExpiration = true;
                o.Events = new CookieAuthenticationEvents
                {
                    OnValidatePrincipal = SecurityStampValidator.ValidatePrincipalAsync,
                    OnRedirectToLogin = c => IsApi(c.Request) ? AuthProblems.WriteAsync(c.HttpContext, 401) : Redirect(c),
                    OnRedirectToAccessDenied = c => IsApi(c.Request) ? AuthProblems.WriteAsync(c.HttpContext, 403) : Redirect(c),
                };
            });
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<IOptions<AccountOptions>>((o, accounts) => o.ExpireTimeSpan = TimeSpan.FromHours(accounts.Value.SessionHours));
        // Disabling a user or changing a role updates its security stamp; cookies and open circuits notice
        // within Accounts:RevalidationSeconds (30 s by default).
        services.AddOptions<SecurityStampValidatorOptions>()
            .Configure<IOptions<AccountOptions>>((o, accounts) => o.ValidationInterval = accounts.Value.RevalidationInterval);
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, CircuitAuthenticationStateProvider>();
        services.AddCascadingAuthenticationState();
        services.AddSingleton<AccountPreferences>();
        services.AddScoped<CircuitUser>();
        services.AddAuthorizationBuilder()
            // Every endpoint without its own rule (pages, API, hub) needs a signed-in user.
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Admin, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin))
            .AddPolicy(Policies.Submit, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin, Roles.Operator))
            .AddPolicy(Policies.Review, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin, Roles.Reviewer));
        services.AddHostedService<AdminBootstrap>();
    }

    public static bool IsApi(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/hubs");

    private static Task Redirect(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> c)
    {
        c.Response.Redirect(c.RedirectUri);
        return Task.CompletedTask;
    }
}

/// <summary>401/403 answers of the API in the same ProblemDetails shape as its other errors.</summary>
public static class AuthProblems
{
    public const string UnauthenticatedCode = "unauthenticated";
    public const string ForbiddenCode = "forbidden";

    public static Task WriteAsync(HttpContext http, int status)
    {
        var (code, title, detail) = status == 401
            ? (UnauthenticatedCode, "Sign-in required", "Sign in, or send an API key in the X-Api-Key header.")
            : (ForbiddenCode, "Not allowed", "Your role does not allow this.");
        return Results.Problem(detail: detail, statusCode: status, title: title,
            extensions: new Dictionary<string, object?> { ["code"] = code }).ExecuteAsync(http);
    }
}
