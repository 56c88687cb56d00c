namespace SonicWeb.Accounts;

/// <summary>
/// The three roles. Every user has exactly one. Operators make videos and act on their own jobs;
/// reviewers see every job but change nothing; admins do everything and manage users.
/// </summary>
public static class Roles
{
    public const string Admin = "Admin";
    public const string Operator = "Operator";
    public const string Reviewer = "Reviewer";

    public static readonly string[] All = [Admin, Operator, Reviewer];

    /// <summary>The role's canonical spelling, or null when it is not one of ours.</summary>
    public static string? Normalize(string? role) =>
        All.FirstOrDefault(r => string.Equals(r, role?.Trim(), StringComparison.OrdinalIgnoreCase));
}

/// <summary>Authorisation policy names.</summary>
public static class Policies
{
    /// <summary>Admins and operators: submit jobs, ask for estimates.</summary>
    public const string Submit = "submit";
    public const string Admin = "admin";
    /// <summary>Reviewers and admins: approve a video or request changes.</summary>
    public const string Review = "review";
}
