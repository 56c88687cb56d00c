using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using SonicWeb.Data;
using SonicWeb.Engine.Backends;
using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Hosting;
using SonicWeb.Jobs.Finishing;
using SonicWeb.Jobs.Transport;
using SonicWeb.Storage;

namespace SonicWeb.Jobs.Submission;

/// <summary>
/// Checks uploads whose job was created in status <see cref="JobStatus.Checking"/> (the request found the
/// server busy): the same inspection by the job's backend as a request would run, one job per free slot of
/// <see cref="UploadAdmission"/>, oldest first. A good upload moves to Queued at the place of its
/// submission (QueuedAt = CreatedAt) or, for "preview first", to AwaitingConfirmation with its preview;
/// a bad one to Failed with the engine's code and message (no_face, audio_too_long, ...), exactly what
/// the request would have answered as 4xx. The files are hashed here, not while they were received; an
/// upload identical to a finished job (same files, same parameters) takes that job's output and is
/// Succeeded without being checked or rendered, as in the request. Every change is a conditional update on Status = Checking, so a
/// cancel or delete that lands mid-check always wins (it also stops the check through <see cref="IJobControl"/>).
/// The rows are the queue: at start every job still Checking (the app stopped mid-check) is checked again.
/// </summary>
public sealed class UploadChecker(
    GenerationBackends backends,
    IDbContextFactory<SonicDbContext> db,
    StoragePaths paths,
    UploadAdmission admission,
    IJobQueue queue,
    IJobControl control,
    IJobEvents events,
    JobQueries queries,
    JobFinishing finishing,
    OutputReuse reuse,
    Microsoft.Extensions.Options.IOptions<JobOptions> jobOptions,
    ILogger<UploadChecker> log) : BackgroundService
{
    /// <summary>
    /// Checks to run, each with its own cancellation source and its registration with <see cref="IJobControl"/>
    /// (a cancel or delete stops the check whether it waits or runs; both are disposed by the loop that takes it).
    /// </summary>
    private readonly Channel<(string JobId, CancellationTokenSource Cancel, IDisposable Stop)> _checks =
        Channel.CreateUnbounded<(string, CancellationTokenSource, IDisposable)>();
    /// <summary>The live check of each job queued or being checked: what a stop through <see cref="IJobControl"/> cancels.</summary>
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _pending = new();
    private CancellationToken _stopping = CancellationToken.None;

    /// <summary>
    /// Queues the check of a job already saved as Checking. A second call while its check is pending is
    /// ignored; a call after that check was abandoned (cancel, then retry, before a loop reached the job)
    /// queues a fresh check, and the loop that meets the abandoned one skips it.
    /// </summary>
    public void Enqueue(string jobId)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
        while (!_pending.TryAdd(jobId, cts))
        {
            if (!_pending.TryGetValue(jobId, out var existing)) continue;
            if (!existing.IsCancellationRequested) { cts.Dispose(); return; }
            if (_pending.TryUpdate(jobId, cts, existing)) break;
        }
        admission.CheckQueued();
        _checks.Writer.TryWrite((jobId, cts, control.Register(jobId, cts.Cancel)));
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
            await foreach (var (id, cts, stop) in _checks.Reader.ReadAllAsync(stopping))
            {
                IDisposable? slot = null;
                try
                {
                    // A job cancelled or deleted while it waited (the row says so) needs no slot; on stop the row stays Checking.
                    if (!cts.IsCancellationRequested) slot = await admission.WaitForSlotAsync(cts.Token);
                }
                catch (OperationCanceledException) { }
                finally { admission.CheckDequeued(); }
                try
                {
                    if (slot != null)
                    {
                        await admission.YieldToUploadsAsync(cts.Token);
                        await CheckAsync(id, cts.Token);
                    }
                }
                catch (OperationCanceledException) when (cts.IsCancellationRequested) { }
                catch (Exception e) { log.LogError(e, "Background check of job {JobId} failed", id); }
                finally
                {
                    slot?.Dispose();
                    stop.Dispose();
                    _pending.TryRemove(KeyValuePair.Create(id, cts)); // not a fresh check queued for the same job meanwhile
                    cts.Dispose();
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
            if (await HashAndReuseAsync(job, request, clock, ct)) return;
            InspectionResult inspection;
            var backend = backends.Get(job.Backend);
            if (request.PreviewFirst)
            {
                var preview = await backend.RenderPreviewAsync(paths.Absolute(job.ImagePath), paths.Absolute(job.AudioPath), parameters, ct);
                Directory.CreateDirectory(paths.Outputs(id));
                await File.WriteAllBytesAsync(paths.Preview(id), preview.Jpeg, CancellationToken.None);
                inspection = preview.Inspection;
            }
            else inspection = await backend.InspectAsync(paths.Absolute(job.ImagePath), paths.Absolute(job.AudioPath), parameters, ct);

            var status = request.PreviewFirst ? JobStatus.AwaitingConfirmation : JobStatus.Queued;
            var warnings = JsonSerializer.Serialize(inspection.Warnings);
            int frames = inspection.FrameCount;
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
            if (status == JobStatus.Queued) queue.Enqueue(id);
            log.LogInformation("Job {JobId} checked in the background: {Status}; image {ImageWidth}x{ImageHeight}, audio {AudioSeconds:0.00} s; output {Width}x{Height}; estimate {Estimate:0.0} s; background check {BackgroundCheckMs} ms",
                id, status, inspection.ImageWidth, inspection.ImageHeight, inspection.AudioSeconds, inspection.Layout.Width, inspection.Layout.Height,
                inspection.EstimatedSeconds, clock.ElapsedMilliseconds);
            if (await queries.GetAsync(id, CancellationToken.None) is { } view) await events.PublishAsync(new JobStatusChanged(view));
        }
        catch (SonicEngineException e)
        {
            await FailAsync(id, e.Code, EngineSettingNames.Describe(e), clock);
        }
        catch (Exception e) when (e is not OperationCanceledException && !ct.IsCancellationRequested)
        {
            log.LogError(e, "Job {JobId}: the inputs could not be checked", id);
            await FailAsync(id, EngineErrorCodes.Internal, "The inputs could not be checked: " + e.Message, clock);
        }
    }

    /// <summary>
    /// Stores the files' hashes and the reuse key on the job; when an identical finished job exists (and the
    /// user did not ask to see a preview first), copies its output and ends the job as Succeeded. True when reused.
    /// </summary>
    private async Task<bool> HashAndReuseAsync(Job job, PendingCheck request, Stopwatch clock, CancellationToken ct)
    {
        if (job.InputHash.Length == 0)
        {
            var imageSha = await FileHashes.Sha256Async(paths.Absolute(job.ImagePath), ct);
            var audioSha = await FileHashes.Sha256Async(paths.Absolute(job.AudioPath), ct);
            var inputHash = OutputReuse.InputHash(imageSha, audioSha, job.ParametersJson);
            if (!await UpdateIfCheckingAsync(job.Id, s => s
                    .SetProperty(j => j.ImageSha256, imageSha)
                    .SetProperty(j => j.AudioSha256, audioSha)
                    .SetProperty(j => j.InputHash, inputHash)))
                return true; // cancelled or deleted meanwhile: nothing more to do
            (job.ImageSha256, job.AudioSha256, job.InputHash) = (imageSha, audioSha, inputHash);
        }
        if (!jobOptions.Value.ReuseIdenticalOutputs || request.PreviewFirst) return false;

        Job? source;
        await using (var context = await db.CreateDbContextAsync(ct))
            source = await reuse.FindSourceAsync(context, job.InputHash, ct);
        if (source is null) return false;
        var (video, thumbnail) = reuse.CopyOutputs(source, job.Id);
        var now = DateTime.UtcNow;
        if (!await UpdateIfCheckingAsync(job.Id, s => s
                .SetProperty(j => j.Status, JobStatus.Succeeded)
                .SetProperty(j => j.AudioSeconds, source.AudioSeconds)
                .SetProperty(j => j.VideoSeconds, source.VideoSeconds)
                .SetProperty(j => j.Width, source.Width)
                .SetProperty(j => j.Height, source.Height)
                .SetProperty(j => j.EstimatedSeconds, 0)
                .SetProperty(j => j.Stage, GenerationStage.Completed.ToString())
                .SetProperty(j => j.FramesDone, source.FramesTotal)
                .SetProperty(j => j.FramesTotal, source.FramesTotal)
                .SetProperty(j => j.StartedAt, now)
                .SetProperty(j => j.FinishedAt, now)
                .SetProperty(j => j.GenerationSeconds, 0)
                .SetProperty(j => j.Seed, source.Seed)
                .SetProperty(j => j.WarningsJson, source.WarningsJson)
                .SetProperty(j => j.Backend, source.Backend)
                .SetProperty(j => j.ReusedFromJobId, source.Id)
                .SetProperty(j => j.OutputPath, video)
                .SetProperty(j => j.ThumbnailPath, thumbnail)))
        {
            StoragePaths.DeleteQuietly(paths.Outputs(job.Id)); // cancelled or deleted while copying
            return true;
        }
        PendingCheck.Delete(paths.Uploads(job.Id));
        log.LogInformation("Job {JobId} reused the output of job {SourceId} (identical inputs and parameters); background check {BackgroundCheckMs} ms",
            job.Id, source.Id, clock.ElapsedMilliseconds);
        await finishing.FinishedAsync(job.Id, reused: true);
        return true;
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
        // pending-check.json stays: it marks the job as one that never passed its check, so a retry checks it
        // again (limits may have been raised meanwhile) instead of queueing inputs known to fail.
        log.LogInformation("Job {JobId} failed its background check: {Code} {Message}; background check {BackgroundCheckMs} ms", id, code, message, clock.ElapsedMilliseconds);
        await finishing.FinishedAsync(id);
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
