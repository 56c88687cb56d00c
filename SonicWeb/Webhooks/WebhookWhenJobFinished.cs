using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SonicWeb.Data;
using SonicWeb.Jobs;
using SonicWeb.Jobs.Finishing;
using SonicWeb.Jobs.Transport;
using SonicWeb.Links;
using SonicWeb.Notifications;

namespace SonicWeb.Webhooks;

/// <summary>
/// When a job with a callback URL ends (succeeded, failed or cancelled), a webhook call is written to the
/// outbox, the same table and sender as email (<see cref="OutboxDispatcher"/>), which retries it with backoff.
/// </summary>
public sealed class WebhookWhenJobFinished(IDbContextFactory<SonicDbContext> db, ProgramLinks links, DeliverySignal signal, ILogger<WebhookWhenJobFinished> log)
    : IJobFinishedHandler
{
    public async Task HandleAsync(JobFinished finished, CancellationToken ct)
    {
        if (finished.Job is not { } view || finished.End == JobEnd.Deleted) return;
        await using var context = await db.CreateDbContextAsync(ct);
        var stored = await context.Jobs.Where(j => j.Id == finished.JobId).Select(j => new { j.CallbackUrl, j.FinishedAt }).FirstOrDefaultAsync(ct);
        if (stored?.CallbackUrl is not { } target) return;

        var job = links.AddTo(null, view);
        var succeeded = finished.End == JobEnd.Succeeded;
        var payload = new WebhookPayload(WebhookPayload.EventFor(finished.End), job.Id, job.Status.ToString(), succeeded,
            succeeded ? job.SignedLinks?.Video : null, job.Error?.Message ?? (succeeded ? null : job.StatusText), job.Error?.Code, DateTime.UtcNow, job);
        var row = new NotificationDelivery
        {
            Channel = NotificationChannel.Webhook, Kind = NotificationKind.JobFinished, TargetUrl = target, RecipientUserId = job.OwnerId,
            Subject = payload.Event, TextBody = JsonSerializer.Serialize(payload, WebhookPayload.Json), JobId = job.Id, BatchId = job.BatchId,
            AnnouncesFinishAt = stored.FinishedAt,
        };
        if (await OncePerEnding.AddAsync(db, row, ct) is { } existing)
        {
            log.LogInformation("Webhook ({Event}) for job {JobId} not written again: delivery {DeliveryId} announces this ending", payload.Event, job.Id, existing.Id);
            return;
        }
        log.LogInformation("Webhook {DeliveryId} ({Event}) queued for job {JobId} to {Target}", row.Id, payload.Event, job.Id, target);
        signal.Wake();
    }
}
