using Microsoft.EntityFrameworkCore;
using SonicWeb.Accounts;
using SonicWeb.Batches;
using SonicWeb.Data;
using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Errors;
using SonicWeb.Jobs.Finishing;
using SonicWeb.Jobs.Running;
using SonicWeb.Jobs.Submission;
using SonicWeb.Jobs.Transport;
using SonicWeb.Storage;

namespace SonicWeb.Jobs.Lifecycle;

/// <summary>
/// What happens to a job after it was submitted: confirm, cancel, retry, re-run, delete. Each command
/// names the user; the job must exist (<see cref="NotFoundException"/>), the user must be allowed to act
/// on it (<see cref="ForbiddenException"/>, rules in <see cref="JobAccess"/>) and its state must offer the
/// action (<see cref="InvalidStateException"/>, rules in <see cref="JobActions"/>), checked in that order.
/// </summary>
public sealed class JobLifecycle(
    IDbContextFactory<SonicDbContext> db,
    StoragePaths paths,
    IJobQueue queue,
    IJobControl control,
    IJobEvents events,
    JobQueries queries,
    JobFinishing finishing,
    EstimatorService estimator,
    UploadChecker checker,
    BatchCompletion batches,
    Security.JobCapacity capacity,
    ILogger<JobLifecycle> log)
{
    /// <summary>How long a cancel waits for a running job to stop, so the answer usually shows the final state.</summary>
    private static readonly TimeSpan CancelWait = TimeSpan.FromSeconds(5);
    /// <summary>How long a delete waits for a running job to stop before it removes the row anyway.</summary>
    private static readonly TimeSpan DeleteWait = TimeSpan.FromSeconds(10);

    /// <summary>A "preview first" job the user accepted: it joins the end of the queue for the full render.</summary>
    public async Task<JobView> ConfirmAsync(ConfirmJob c, CancellationToken ct)
    {
        await ActableAsync(c.JobId, c.User, ct);
        await using var context = await db.CreateDbContextAsync(ct);
        int updated = await context.Jobs.Where(j => j.Id == c.JobId && j.Status == JobStatus.AwaitingConfirmation)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Queued)
                .SetProperty(j => j.QueuedAt, DateTime.UtcNow), ct);
        if (updated == 0)
        {
            var job = await FindAsync(c.JobId, ct);
            throw new InvalidStateException($"Job {c.JobId} is {job.Status}; only a job awaiting confirmation of its preview can be confirmed.");
        }
        queue.Enqueue(c.JobId);
        log.LogInformation("Job {JobId} preview confirmed; queued for the full render", c.JobId);
        return await AnnounceAsync(c.JobId, ct);
    }

    /// <summary>
    /// Not started yet (checking, waiting, queued): cancelled at once (a running check is stopped). Running:
    /// its work is stopped through <see cref="IJobControl"/> and the runner records the end.
    /// </summary>
    public async Task<JobView> CancelAsync(CancelJob c, CancellationToken ct)
    {
        var id = c.JobId;
        await ActableAsync(id, c.User, ct);
        await using var context = await db.CreateDbContextAsync(ct);
        int updated = await context.Jobs.Where(j => j.Id == id && JobActions.NotStarted.Contains(j.Status))
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Cancelled)
                .SetProperty(j => j.FinishedAt, DateTime.UtcNow)
                .SetProperty(j => j.ErrorCode, EngineErrorCodes.Cancelled)
                .SetProperty(j => j.ErrorMessage, "Cancelled before it started."), ct);
        if (updated == 1)
        {
            await control.StopAsync(id, ct); // when it was Checking: stop the check (its result would be ignored anyway)
            log.LogInformation("Job {JobId} cancelled while queued", id);
            await finishing.FinishedAsync(id);
            return await ViewAsync(id, ct);
        }

        var job = await FindAsync(id, ct);
        if (job.Status != JobStatus.Running)
            throw new InvalidStateException($"Job {id} is {job.Status}; only checking, queued or running jobs can be cancelled.");
        using var waiter = new JobFinishedWaiter(events, id);
        if (!await control.StopAsync(id, ct))
            throw new InvalidStateException($"Job {id} is being started or finished; try again in a moment.");
        log.LogInformation("Job {JobId} cancellation requested while running", id);
        await waiter.WaitAsync(CancelWait, ct); // the runner writes the final state
        return await ViewAsync(id, ct);
    }

    /// <summary>
    /// Failed or cancelled jobs go to the end of the queue with the same inputs and parameters. A job that
    /// never passed its background check (failed or cancelled while Checking) is checked again instead, so
    /// inputs that fail the check (no face, audio too long) fail there again and are never rendered. A job
    /// of a complete batch reopens the batch (it is reported again when it is complete again).
    /// </summary>
    public async Task<JobView> RetryAsync(RetryJob c, CancellationToken ct)
    {
        var id = c.JobId;
        var failed = await ActableAsync(id, c.User, ct);
        await capacity.EnsureRoomAsync(failed.OwnerId, 1, ct); // the job goes back into the queue
        string? batchId;
        bool recheck;
        await using (var context = await db.CreateDbContextAsync(ct))
        {
            var job = await context.Jobs.FirstOrDefaultAsync(j => j.Id == id, ct) ?? throw NotFound(id);
            if (job.ExpiredAt is { } expired) throw Expired(id, expired);
            if (!JobActions.For(job.Status, hasVideo: false).Retry)
                throw new InvalidStateException($"Job {id} is {job.Status}; only failed or cancelled jobs can be retried (use re-run for finished ones).");
            recheck = PendingCheck.Exists(paths.Uploads(id));
            job.Status = recheck ? JobStatus.Checking : JobStatus.Queued;
            job.QueuedAt = DateTime.UtcNow;
            job.Stage = null;
            job.FramesDone = 0;
            job.ErrorCode = null;
            job.ErrorMessage = null;
            job.StartedAt = null;
            job.FinishedAt = null;
            await context.SaveChangesAsync(ct);
            batchId = job.BatchId;
        }
        if (recheck) checker.Enqueue(id);
        else queue.Enqueue(id);
        log.LogInformation(recheck ? "Job {JobId} is checked again (retry of a job that did not pass its check)" : "Job {JobId} queued again (retry)", id);
        var view = await AnnounceAsync(id, ct);
        if (batchId is not null) await batches.ReopenAsync(batchId, CancellationToken.None); // a complete batch runs again
        return view;
    }

    /// <summary>A new job with the same inputs and parameters as any existing one (the history's re-run), owned by the user.</summary>
    public async Task<JobView> RerunAsync(RerunJob c, CancellationToken ct)
    {
        var source = await ActableAsync(c.JobId, c.User, ct);
        if (source.ExpiredAt is { } expired) throw Expired(c.JobId, expired);
        var owner = c.User.AsJobOwner();
        await capacity.EnsureRoomAsync(owner.UserId, 1, ct); // a re-run is a new job in the queue
        var job = new Job
        {
            Name = source.Name, Submitter = owner.DisplayName, OwnerId = owner.UserId, ParametersJson = source.ParametersJson, Backend = source.Backend,
            ImageFileName = source.ImageFileName, ImageBytes = source.ImageBytes, ImageSha256 = source.ImageSha256,
            AudioFileName = source.AudioFileName, AudioBytes = source.AudioBytes, AudioSha256 = source.AudioSha256,
            InputHash = source.InputHash, AudioSeconds = source.AudioSeconds, VideoSeconds = source.VideoSeconds,
            Width = source.Width, Height = source.Height, FramesTotal = GenerationParameters.FrameCountFor(source.VideoSeconds),
            WarningsJson = source.WarningsJson,
        };
        job.EstimatedSeconds = estimator.Estimate(source.Backend, source.VideoSeconds, Math.Min(source.Width, source.Height),
            JobParameters.Deserialize(source.ParametersJson).InferenceSteps);
        var uploads = paths.Uploads(job.Id);
        Directory.CreateDirectory(uploads);
        var imagePath = Path.Combine(uploads, Path.GetFileName(source.ImagePath));
        var audioPath = Path.Combine(uploads, Path.GetFileName(source.AudioPath));
        File.Copy(paths.Absolute(source.ImagePath), imagePath);
        File.Copy(paths.Absolute(source.AudioPath), audioPath);
        job.ImagePath = paths.Relative(imagePath);
        job.AudioPath = paths.Relative(audioPath);
        await using var context = await db.CreateDbContextAsync(ct);
        context.Jobs.Add(job);
        await context.SaveChangesAsync(CancellationToken.None);
        queue.Enqueue(job.Id);
        log.LogInformation("Job {JobId} queued as a re-run of {SourceId}", job.Id, c.JobId);
        return await ViewAsync(job.Id, CancellationToken.None);
    }

    /// <summary>Removes the job's row and every file (stopping it first if it runs).</summary>
    public async Task DeleteAsync(DeleteJob c, CancellationToken ct)
    {
        await ActableAsync(c.JobId, c.User, ct);
        await RemoveAsync(c.JobId, ct);
    }

    /// <summary>
    /// Removes a job for the app itself (a batch that was never released): stops its work, deletes the
    /// row and the files, and raises the job's end when it had not ended yet.
    /// </summary>
    public async Task RemoveAsync(string id, CancellationToken ct)
    {
        var job = await FindAsync(id, ct);
        if (job.Status == JobStatus.Running)
        {
            using var waiter = new JobFinishedWaiter(events, id);
            if (await control.StopAsync(id, ct)) await waiter.WaitAsync(DeleteWait, ct);
        }
        else if (job.Status == JobStatus.Checking) await control.StopAsync(id, ct);

        bool endedNow;
        await using (var context = await db.CreateDbContextAsync(ct))
        {
            // A job that had not ended ends with its deletion; one that had ended was reported already.
            endedNow = await context.Jobs.Where(j => j.Id == id && !JobActions.Final.Contains(j.Status)).ExecuteDeleteAsync(ct) == 1;
            if (!endedNow) await context.Jobs.Where(j => j.Id == id).ExecuteDeleteAsync(ct);
        }
        StoragePaths.DeleteQuietly(paths.Uploads(id));
        StoragePaths.DeleteQuietly(paths.Outputs(id));
        log.LogInformation("Job {JobId} deleted with its files", id);
        if (endedNow) await finishing.DeletedAsync(id, job.BatchId);
    }

    /// <summary>The job, when it exists and the user may act on it.</summary>
    private async Task<Job> ActableAsync(string id, System.Security.Claims.ClaimsPrincipal user, CancellationToken ct)
    {
        var job = await FindAsync(id, ct);
        user.EnsureCanAct(id, job.OwnerId);
        return job;
    }

    private async Task<Job> FindAsync(string id, CancellationToken ct) =>
        (StoragePaths.IsValidJobId(id) ? await queries.GetEntityAsync(id, ct) : null) ?? throw NotFound(id);

    private async Task<JobView> ViewAsync(string id, CancellationToken ct) => await queries.GetAsync(id, ct) ?? throw NotFound(id);

    /// <summary>The job's new state, told to its watchers and returned.</summary>
    private async Task<JobView> AnnounceAsync(string id, CancellationToken ct)
    {
        var view = await ViewAsync(id, ct);
        await events.PublishAsync(new JobStatusChanged(view));
        return view;
    }

    private static NotFoundException NotFound(string id) => new($"There is no job '{id}'.");

    public static GoneException Expired(string id, DateTime expiredAt) => new(
        $"The files of job {id} were removed on {expiredAt:yyyy-MM-dd HH:mm} UTC under this installation's retention policy " +
        "(Retention:MaxAgeDays / Retention:MaxTotalBytes). The history entry is kept, but its video and inputs are gone.");
}
