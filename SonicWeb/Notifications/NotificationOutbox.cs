using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SonicWeb.Accounts;
using SonicWeb.Data;

namespace SonicWeb.Notifications;

/// <summary>Who an email goes to, read from the user's account.</summary>
public sealed record Recipient(string UserId, string? Email, string Name, bool OptedOut, bool Disabled);

/// <summary>
/// Writes emails into the outbox table and wakes the sender. A row is written even when the email
/// will not be sent (not configured, opted out, disabled account, no address): as Skipped, with the
/// reason, so the admin page answers "why did I get no email?".
/// </summary>
public sealed class NotificationOutbox(
    IDbContextFactory<SonicDbContext> db,
    IOptions<EmailOptions> options,
    DeliverySignal signal,
    ILogger<NotificationOutbox> log)
{
    public async Task<Recipient?> FindRecipientAsync(string? userId, CancellationToken ct)
    {
        if (userId is null) return null;
        await using var context = await db.CreateDbContextAsync(ct);
        return await context.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new Recipient(u.Id, u.Email, u.DisplayName, u.EmailOptOut, u.Disabled)).FirstOrDefaultAsync(ct);
    }

    /// <param name="announcesFinishAt">For a job's or a batch's end: its FinishedAt. A row for that ending exists already
    /// (another node wrote it a moment ago): nothing is written and that row is returned.</param>
    public async Task<NotificationDelivery> EnqueueAsync(
        NotificationKind kind, Recipient recipient, EmailContent content, string? jobId, string? batchId, CancellationToken ct, DateTime? announcesFinishAt = null)
    {
        var row = new NotificationDelivery
        {
            Kind = kind, RecipientUserId = recipient.UserId, RecipientEmail = recipient.Email ?? "",
            Subject = content.Subject.Length > 300 ? content.Subject[..300] : content.Subject, TextBody = content.TextBody,
            JobId = jobId, BatchId = batchId, AnnouncesFinishAt = announcesFinishAt,
        };
        var skip = SkipReason(recipient);
        if (skip is not null) (row.Status, row.LastError) = (DeliveryStatus.Skipped, skip);

        if (await OncePerEnding.AddAsync(db, row, ct) is { } existing)
        {
            log.LogInformation("Email ({Kind}) for job {JobId}, batch {BatchId} not written again: delivery {DeliveryId} announces this ending", kind, jobId, batchId, existing.Id);
            return existing;
        }
        if (skip is null)
        {
            log.LogInformation("Email {DeliveryId} ({Kind}) queued for user {UserId}, job {JobId}, batch {BatchId}", row.Id, kind, recipient.UserId, jobId, batchId);
            signal.Wake();
        }
        else log.LogInformation("Email {DeliveryId} ({Kind}) for user {UserId} skipped: {Reason}", row.Id, kind, recipient.UserId, skip);
        return row;
    }

    /// <summary>
    /// The admin's "send me a test email": queued like any other (or recorded as skipped, with the reason).
    /// Returns the sentence the admin sees.
    /// </summary>
    public async Task<string> SendTestAsync(string? userId, CancellationToken ct)
    {
        var me = await FindRecipientAsync(userId, ct);
        if (me is null) return "Test email not sent: your account was not found.";
        var row = await EnqueueAsync(NotificationKind.Test, me with { OptedOut = false }, new EmailComposer(options.Value).Test(me.Name), null, null, ct);
        return row.Status == DeliveryStatus.Skipped ? $"Test email not sent: {row.LastError}." : $"Test email queued for {me.Email}.";
    }

    private string? SkipReason(Recipient r) =>
        !options.Value.Enabled ? "email not configured (Email:Host is empty)"
        : r.OptedOut ? "the user turned email notifications off"
        : r.Disabled ? "the account is disabled"
        : !System.Net.Mail.MailAddress.TryCreate(r.Email, out _) ? $"no usable email address ('{r.Email}')"
        : null;
}
