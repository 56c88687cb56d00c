using Microsoft.EntityFrameworkCore;
using SonicWeb.Data;

namespace SonicWeb.Accounts;

/// <summary>What a person chose for themselves: the theme and whether they get emails.</summary>
public sealed record UserPreferences(string Email, bool EmailNotifications, bool DarkTheme);

/// <summary>
/// Reads and saves a signed-in person's own preferences (the layout's theme switch, the settings page).
/// Each call is one small query on its own context, so components can call it from any circuit.
/// </summary>
public sealed class AccountPreferences(IDbContextFactory<SonicDbContext> db, ILogger<AccountPreferences> log)
{
    /// <summary>The user's preferences, or null when the account no longer exists.</summary>
    public async Task<UserPreferences?> GetAsync(string userId, CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        return await context.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new UserPreferences(u.Email ?? "", !u.EmailOptOut, u.DarkTheme)).FirstOrDefaultAsync(ct);
    }

    public async Task SetDarkThemeAsync(string userId, bool dark, CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        await context.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.DarkTheme, dark), ct);
    }

    /// <summary>Turns the emails about the user's own jobs, reviews and batches on or off.</summary>
    public async Task SetEmailNotificationsAsync(string userId, bool on, CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        await context.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.EmailOptOut, !on), ct);
        log.LogInformation("User {UserId} turned email notifications {State}", userId, on ? "on" : "off");
    }
}
