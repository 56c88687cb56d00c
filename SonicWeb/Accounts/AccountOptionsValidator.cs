using SonicWeb.Hosting;

namespace SonicWeb.Accounts;

public sealed class AccountOptionsValidator : OptionsValidator<AccountOptions>
{
    public override IEnumerable<string> Problems(AccountOptions o)
    {
        if (o.LockoutMaxFailures < 1) yield return $"Accounts:LockoutMaxFailures is {o.LockoutMaxFailures}; it must be 1 or more";
        if (!(o.LockoutMinutes > 0)) yield return $"Accounts:LockoutMinutes is {o.LockoutMinutes}; it must be more than 0";
        if (o.PasswordMinLength < 1) yield return $"Accounts:PasswordMinLength is {o.PasswordMinLength}; it must be 1 or more";
        if (!(o.SessionHours > 0)) yield return $"Accounts:SessionHours is {o.SessionHours}; it must be more than 0";
        if (o.RevalidationSeconds is <= 0 or > 3600)
            yield return $"Accounts:RevalidationSeconds is {o.RevalidationSeconds}; it must be more than 0 and at most 3600";
    }
}
