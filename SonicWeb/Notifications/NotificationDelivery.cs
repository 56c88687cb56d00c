using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SonicWeb.Notifications;

public enum NotificationKind { JobFinished, ReviewDecided, BatchFinished, Test }

/// <summary>
/// Pending: waiting for its (next) attempt. Sent: the SMTP server accepted it. Failed: every attempt
/// failed (Email:MaxAttempts). Skipped: not sent on purpose (email not configured, the user turned
/// notifications off, no address); LastError says why.
/// </summary>
public enum DeliveryStatus { Pending, Sent, Failed, Skipped }

/// <summary>
/// One email or webhook call in the outbox. Notifications write a row (fast, in the job's own database)
/// and a background sender delivers due rows, so a slow or absent mail server or receiver never touches a job.
/// </summary>
public sealed class NotificationDelivery
{
    public long Id { get; set; }
    /// <summary>Email (to a user) or Webhook (an HTTP call to <see cref="TargetUrl"/>); stored as a number, 0 = Email for rows from before webhooks.</summary>
    public NotificationChannel Channel { get; set; } = NotificationChannel.Email;
    public NotificationKind Kind { get; set; }
    public DeliveryStatus Status { get; set; } = DeliveryStatus.Pending;

    /// <summary>AspNetUsers.Id of the recipient (null for a test message to a typed address).</summary>
    public string? RecipientUserId { get; set; }
    public string RecipientEmail { get; set; } = "";
    public string Subject { get; set; } = "";
    public string TextBody { get; set; } = "";

    /// <summary>Webhook rows: the URL called (the body is <see cref="TextBody"/>, the event name <see cref="Subject"/>).</summary>
    public string? TargetUrl { get; set; }

    public string? JobId { get; set; }
    public string? BatchId { get; set; }

    /// <summary>
    /// Finished-job rows: the job's FinishedAt they announce; "batch finished" rows: the batch's. With the job (or
    /// batch), channel and kind it is unique (<see cref="NotificationDeliveryConfiguration"/>): one email and one
    /// webhook call per ending, even when two nodes write them at the same moment. Null on other rows and on rows from
    /// before this column (they are not constrained).
    /// </summary>
    public DateTime? AnnouncesFinishAt { get; set; }

    public int Attempts { get; set; }
    /// <summary>When the sender may try (again); it picks rows with Status Pending and this in the past.</summary>
    public DateTime NextAttemptAt { get; set; } = DateTime.UtcNow;
    public DateTime? LastAttemptAt { get; set; }
    public string? LastError { get; set; }

    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
    public DateTime? SentAt { get; set; }
}

public sealed class NotificationDeliveryConfiguration : IEntityTypeConfiguration<NotificationDelivery>
{
    public void Configure(EntityTypeBuilder<NotificationDelivery> d)
    {
        d.HasKey(x => x.Id);
        d.Property(x => x.Kind).HasConversion<string>().HasMaxLength(24);
        d.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
        d.Property(x => x.RecipientEmail).HasMaxLength(256);
        d.Property(x => x.Subject).HasMaxLength(300);
        d.Property(x => x.TargetUrl).HasMaxLength(Webhooks.WebhookOptions.MaxUrlLength);
        d.HasIndex(x => new { x.Status, x.NextAttemptAt });
        d.HasIndex(x => x.JobId);
        // One row per ending and channel (null AnnouncesFinishAt never collides: nulls are distinct in both databases).
        d.HasIndex(x => new { x.JobId, x.Channel, x.Kind, x.AnnouncesFinishAt }).IsUnique();
        // Batch rows have no job; a job's webhook row names its batch too, hence the filter.
        d.HasIndex(x => new { x.BatchId, x.Channel, x.Kind, x.AnnouncesFinishAt }).IsUnique().HasFilter("\"JobId\" IS NULL");
        d.HasIndex(x => x.CreatedAt);
    }
}
