using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace SonicWeb.Accounts;

public sealed record UserSummary(string Id, string Email, string DisplayName, string Role, bool Disabled, DateTimeOffset? LockedOutUntil, DateTime CreatedAt);

/// <summary>The result of a change: empty Errors means it worked.</summary>
public sealed record AccountResult(IReadOnlyList<string> Errors, SonicUser? User = null)
{
    public bool Succeeded => Errors.Count == 0;
    public static AccountResult Fail(params string[] errors) => new(errors);
}

/// <summary>
/// Creating users, changing roles, disabling: used by the admin page, the `users add` verb and the
/// start-up bootstrap. Keeps the rule that at least one enabled admin remains.
/// </summary>
public sealed class UserDirectory(UserManager<SonicUser> users, RoleManager<IdentityRole> roles, ILogger<UserDirectory> log)
{
    public async Task EnsureRolesAsync()
    {
        foreach (var role in Roles.All)
            if (!await roles.RoleExistsAsync(role))
                await roles.CreateAsync(new IdentityRole(role));
    }

    public async Task<AccountResult> CreateAsync(string email, string? displayName, string role, string password)
    {
        var canonicalRole = Roles.Normalize(role);
        if (canonicalRole is null) return AccountResult.Fail($"Role '{role}' does not exist; use one of {string.Join(", ", Roles.All)}.");
        email = email.Trim();
        if (!email.Contains('@')) return AccountResult.Fail($"'{email}' is not an email address.");
        await EnsureRolesAsync();
        var user = new SonicUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = string.IsNullOrWhiteSpace(displayName) ? email.Split('@')[0] : displayName.Trim(),
        };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded) return new(created.Errors.Select(e => e.Description).ToList());
        await users.AddToRoleAsync(user, canonicalRole);
        log.LogInformation("User {UserId} created with role {Role}", user.Id, canonicalRole);
        return new([], user);
    }

    public async Task<IReadOnlyList<UserSummary>> ListAsync()
    {
        var all = await users.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync();
        var list = new List<UserSummary>(all.Count);
        foreach (var u in all)
        {
            var role = (await users.GetRolesAsync(u)).FirstOrDefault() ?? "";
            var locked = u.LockoutEnd is { } end && end > DateTimeOffset.UtcNow ? end : (DateTimeOffset?)null;
            list.Add(new(u.Id, u.Email ?? "", u.DisplayName, role, u.Disabled, locked, u.CreatedAt));
        }
        return list;
    }

    public async Task<bool> AnyAdminAsync() => (await users.GetUsersInRoleAsync(Roles.Admin)).Any(u => !u.Disabled);

    public async Task<AccountResult> SetRoleAsync(string userId, string role)
    {
        var canonicalRole = Roles.Normalize(role);
        if (canonicalRole is null) return AccountResult.Fail($"Role '{role}' does not exist.");
        var user = await users.FindByIdAsync(userId);
        if (user is null) return AccountResult.Fail("There is no such user.");
        var current = await users.GetRolesAsync(user);
        if (current.Contains(Roles.Admin) && canonicalRole != Roles.Admin && await IsLastAdminAsync(user))
            return AccountResult.Fail("This is the last enabled admin; make someone else admin first.");
        if (current.Count > 0) await users.RemoveFromRolesAsync(user, current);
        await users.AddToRoleAsync(user, canonicalRole);
        await users.UpdateSecurityStampAsync(user); // signed-in sessions pick up the new role
        log.LogInformation("User {UserId} now has role {Role}", user.Id, canonicalRole);
        return new([], user);
    }

    public async Task<AccountResult> SetDisabledAsync(string userId, bool disabled)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null) return AccountResult.Fail("There is no such user.");
        if (disabled && await users.IsInRoleAsync(user, Roles.Admin) && await IsLastAdminAsync(user))
            return AccountResult.Fail("This is the last enabled admin; it cannot be disabled.");
        user.Disabled = disabled;
        await users.UpdateAsync(user);
        await users.UpdateSecurityStampAsync(user); // ends existing sign-ins at the next stamp check
        log.LogInformation("User {UserId} {State}", user.Id, disabled ? "disabled" : "enabled");
        return new([], user);
    }

    private async Task<bool> IsLastAdminAsync(SonicUser user) =>
        (await users.GetUsersInRoleAsync(Roles.Admin)).Count(u => !u.Disabled && u.Id != user.Id) == 0;

    /// <summary>A random password for `users add` without --password: printed once, never stored in clear.</summary>
    public static string GeneratePassword() =>
        Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(15)).Replace('+', '-').Replace('/', '_');
}
