namespace SonicWeb.Accounts;

/// <summary>Configuration section "Accounts": password rules and lockout.</summary>
public sealed class AccountOptions
{
    public const string Section = "Accounts";

    /// <summary>Failed sign-ins in a row before the account is locked.</summary>
    public int LockoutMaxFailures { get; set; } = 5;
    public double LockoutMinutes { get; set; } = 5;
    /// <summary>Length beats composition rules: at least this many characters, at least 4 different ones.</summary>
    public int PasswordMinLength { get; set; } = 10;
    /// <summary>How long a sign-in lasts without activity (sliding).</summary>
    public double SessionHours { get; set; } = 8;

    /// <summary>
    /// How often a signed-in session re-checks its account (exists, not disabled, same security stamp): the
    /// sign-in cookie on its next request after this long, an open interactive page (circuit) on a timer.
    /// A disabled account's open pages thus lose access within this time.
    /// </summary>
    public double RevalidationSeconds { get; set; } = 30;

    public TimeSpan RevalidationInterval => TimeSpan.FromSeconds(RevalidationSeconds);
}

/// <summary>Configuration section "Admin": the first administrator, created at start-up when no admin exists.</summary>
public sealed class AdminBootstrapOptions
{
    public const string Section = "Admin";
    public string? Email { get; set; }
    public string? Password { get; set; }
    public string? DisplayName { get; set; }
}
