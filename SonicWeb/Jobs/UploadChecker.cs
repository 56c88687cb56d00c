using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using SonicWeb.Data;
using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Notifications;
using SonicWeb.Storage;

namespace SonicWeb.Jobs;

/// <summary>
/// Checks uploads whose job was created in status <see cref="JobStatus.Checking"/> (the request found the
/// server busy): the same engine inspection as a request would run, one job per free slot of
/// <see cref="UploadAdmission"/>, oldest first. A good upload moves to Queued at the place of its
/// submission (QueuedAt = CreatedAt) or, for "preview first", to AwaitingConfirmation with its preview;
/// a bad one to Failed with the engine's code and message (no_face, audio_too_long, ...), exactly what
/// the request would have answered as 4xx. Every change is a conditional update on Status = Checking, so a
/// cancel or delete that lands mid-check always wins. The rows are the queue: at start every job still
/// Checking (the app stopped mid-check) is checked again.
/// </summary>
public sealed class UploadChecker(
    GenerationPipeline pipeline,
    IDbContextFactory<SonicDbContext> db,
    StoragePaths paths,
    UploadAdmission admission,
    JobSignals signals,
    JobNotifier notifier,
    JobQueries queries,
    IUserNotifications userNotifications,
    ILogger<UploadChecker> log) : BackgroundService
{
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>();
    /// <summary>Jobs queued or being checked, with the token that cancels their check.</summary>
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _pending = new();
    private CancellationToken _stopping = CancellationToken.None;

    /// <summary>Queues the check of a job already saved as Checking (a second call for the same job is ignored).</summary>
    public void Enqueue(string jobId)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
        if (!_pending.TryAdd(jobId, cts)) { cts.Dispose(); return; }
        admission.CheckQueued();
        _queue.Writer.TryWrite(jobId);
    }

    /// <summary>Stops the check of a cancelled or deleted job (its ffmpeg is killed); false when none was pending.</summary>
    public bool Abandon(string jobId)
    {
        if (!_pending.TryGetValue(jobId, out var cts)) return false;
        try { cts.Cancel(); } catch (ObjectDisposedException) { return false; }
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        await RecoverAsync(stoppingToken);
        int loops = admission.Slots;
        await Task.WhenAll(Enumerable.Range(0, loops).Select(_ => Task.Run(() => LoopAsync(stoppingToken), CancellationToken.None)));
    }

    /// <summary>Jobs left in Checking by a stop or crash are checked again, oldest first.</summary>
    private async Task RecoverAsync(CancellationToken ct)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        var ids = await context.Jobs.AsNoTracking().Where(j => j.Status == JobStatus.Checking)
            .OrderBy(j => j.CreatedAt).ThenBy(j => j.Id).Select(j => j.Id).ToListAsync(ct);
        foreach (var id in ids) Enqueue(id);
        if (ids.Count > 0) log.LogWarning("{Count} job(s) were still being checked when the app stopped; checking them again", ids.Count);
    }

    private async Task LoopAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var id in _queue.Reader.ReadAllAsync(stopping))
            {
                var cts = _pending.GetValueOrDefault(id);
                IDisposable? slot = null;
                try
                {
                    // A job cancelled or deleted while it waited (the row says so) needs no slot; on stop the row stays Checking.
                    if (cts is { IsCancellationRequested: false }) slot = await admission.WaitForSlotAsync(cts.Token);
                }
                catch (OperationCanceledException) { }
                finally { admission.CheckDequeued(); }
                try
                {
                    if (slot != null)
                    {
                        await admission.YieldToUploadsAsync(cts!.Token);
                        await CheckAsync(id, cts.Token);
                    }
                }
                catch (OperationCanceledException) when (cts?.IsCancellationRequested == true) { }
                catch (Exception e) { log.LogError(e, "Background check of job {JobId} failed", id); }
                finally
                {
                    slot?.Dispose();
                    if (_pending.TryRemove(id, out var done)) done.Dispose();
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
    }

    private async Task CheckAsync(string id, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var job = await queries.GetEntityAsync(id, ct);
        if (job is null || job.Status != JobStatus.Checking) return;
        var uploads = paths.Uploads(id);
        var request = PendingCheck.Read(uploads);
        var parameters = JobParameters.Deserialize(job.ParametersJson);
        try
        {
            InspectionResult inspection;
            if (request.PreviewFirst)
            {
                var preview = await pipeline.RenderPreviewAsync(paths.Absolute(job.ImagePath), paths.Absolute(job.AudioPath), parameters, ct);
                Directory.CreateDirectory(paths.Outputs(id));
                await File.WriteAllBytesAsync(paths.Preview(id), preview.Jpeg, CancellationToken.None);
                inspection = preview.Inspection;
            }
            else inspection = await pipeline.InspectAsync(paths.Absolute(job.ImagePath), paths.Absolute(job.AudioPath), parameters, ct);

            var status = request.PreviewFirst ? JobStatus.AwaitingConfirmation : JobStatus.Queued;
            var warnings = JsonSerializer.Serialize(inspection.Warnings);
            int frames = GenerationPipeline.FrameCountFor(inspection.VideoSeconds);
            if (!await UpdateIfCheckingAsync(id, s => s
                    .SetProperty(j => j.Status, status)
                    .SetProperty(j => j.QueuedAt, j => j.CreatedAt) // its place in the queue is its submission time
                    .SetProperty(j => j.AudioSeconds, inspection.AudioSeconds)
                    .SetProperty(j => j.VideoSeconds, inspection.VideoSeconds)
                    .SetProperty(j => j.Width, inspection.Layout.Width)
                    .SetProperty(j => j.Height, inspection.Layout.Height)
                    .SetProperty(j => j.EstimatedSeconds, inspection.EstimatedSeconds)
                    .SetProperty(j => j.FramesTotal, frames)
                    .SetProperty(j => j.WarningsJson, warnings)))
                return;
            PendingCheck.Delete(uploads);
            if (status == JobStatus.Queued) signals.WakeWorkers();
            log.LogInformation("Job {JobId} checked in the background: {Status}; image {ImageWidth}x{ImageHeight}, audio {AudioSeconds:0.00} s; output {Width}x{Height}; estimate {Estimate:0.0} s; background check {BackgroundCheckMs} ms",
                id, status, inspection.ImageWidth, inspection.ImageHeight, inspection.AudioSeconds, inspection.Layout.Width, inspection.Layout.Height,
                inspection.EstimatedSeconds, clock.ElapsedMilliseconds);
            if (await queries.GetAsync(id, CancellationToken.None) is { } view) await notifier.StatusAsync(view);
        }
        catch (SonicEngineException e)
        {
            await FailAsync(id, e.Code, e.Message, clock);
        }
        catch (Exception e) when (e is not OperationCanceledException && !ct.IsCancellationRequested)
        {
            log.LogError(e, "Job {JobId}: the inputs could not be checked", id);
            await FailAsync(id, EngineErrorCodes.Internal, "The inputs could not be checked: " + e.Message, clock);
        }
    }

    /// <summary>The same code and message the request would have answered with 4xx, on the job instead.</summary>
    private async Task FailAsync(string id, string code, string message, Stopwatch clock)
    {
        if (!await UpdateIfCheckingAsync(id, s => s
                .SetProperty(j => j.Status, JobStatus.Failed)
                .SetProperty(j => j.FinishedAt, DateTime.UtcNow)
                .SetProperty(j => j.ErrorCode, code)
                .SetProperty(j => j.ErrorMessage, message)))
            return;
        PendingCheck.Delete(paths.Uploads(id));
        log.LogInformation("Job {JobId} failed its background check: {Code} {Message}; background check {BackgroundCheckMs} ms", id, code, message, clock.ElapsedMilliseconds);
        if (await queries.GetAsync(id, CancellationToken.None) is { } view) await notifier.StatusAsync(view);
        signals.MarkFinished(id);
        await userNotifications.JobFinishedAsync(id, CancellationToken.None);
    }

    /// <summary>Applies the change only while the job is still Checking (not cancelled or deleted meanwhile).</summary>
    private async Task<bool> UpdateIfCheckingAsync(string id,
        Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<Job>> set)
    {
        await using var context = await db.CreateDbContextAsync(CancellationToken.None);
        return await context.Jobs.Where(j => j.Id == id && j.Status == JobStatus.Checking)
            .ExecuteUpdateAsync(set, CancellationToken.None) == 1;
    }
}
