using Microsoft.AspNetCore.Identity;

namespace SonicWeb.Accounts;

/// <summary>A person (or the owner of API keys) using SonicWeb. The user name is the email address.</summary>
public sealed class SonicUser : IdentityUser
{
    /// <summary>Shown in the history as the job's submitter.</summary>
    public string DisplayName { get; set; } = "";

    /// <summary>Disabled accounts cannot sign in and their API keys stop working; the row stays for the history.</summary>
    public bool Disabled { get; set; }

    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;

    /// <summary>
    /// The user turned email notifications off (account settings). Stored as an opt-out so that the
    /// default is "on" for new users and for users of databases made before this column existed
    /// (the schema upgrade adds new columns as 0/false).
    /// </summary>
    public bool EmailOptOut { get; set; }

    /// <summary>
    /// The person chose the dark theme (the app bar's switch). Kept with the account rather than in the
    /// browser, so the very first render of every page (prerendered on the server) already has it: no flash.
    /// </summary>
    public bool DarkTheme { get; set; }
}
