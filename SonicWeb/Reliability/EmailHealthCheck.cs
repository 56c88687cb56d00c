using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using SonicWeb.Data;
using SonicWeb.Notifications;

namespace SonicWeb.Reliability;

/// <summary>
/// /health "email": degraded while emails wait for a retry after a failed attempt (the SMTP server down, refusing,
/// or hanging mid-conversation), with the newest error; healthy again once the outbox has caught up. Jobs never
/// wait for email, so this is never unhealthy.
/// </summary>
public sealed class EmailHealthCheck(IDbContextFactory<SonicDbContext> db, IOptions<EmailOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        if (!options.Value.Enabled) return HealthCheckResult.Healthy("email is not configured (Email:Host is empty)");
        await using var data = await db.CreateDbContextAsync(ct);
        var retrying = data.NotificationDeliveries.Where(d => d.Status == DeliveryStatus.Pending && d.Attempts > 0);
        int count = await retrying.CountAsync(ct);
        if (count == 0) return HealthCheckResult.Healthy($"sending through {options.Value.Host}:{options.Value.Port}");
        var last = await retrying.OrderByDescending(d => d.LastAttemptAt).Select(d => d.LastError).FirstOrDefaultAsync(ct);
        return HealthCheckResult.Degraded($"{count} email(s) wait for a retry after a failed attempt; the last error: {last}");
    }
}
