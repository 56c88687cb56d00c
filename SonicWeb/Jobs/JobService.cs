using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SonicWeb.Api;
using SonicWeb.Data;
using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Media;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Notifications;
using SonicWeb.Storage;

namespace SonicWeb.Jobs;

/// <summary>
/// The write side of jobs: accept an upload (checked completely before a job exists), cancel,
/// retry and delete.
/// </summary>
public sealed class JobService(
    GenerationPipeline pipeline,
    IDbContextFactory<SonicDbContext> db,
    StoragePaths paths,
    JobSignals signals,
    JobNotifier notifier,
    JobQueries queries,
    EstimatorService estimator,
    IUserNotifications userNotifications,
    UploadAdmission admission,
    UploadChecker checker,
    OutputReuse reuse,
    IOptions<JobOptions> options,
    ILogger<JobService> log)
{
    public const string ImageField = "image";
    public const string AudioField = "audio";

    /// <summary>
    /// Checks the staged upload and queues a job. Always in the request: parameters (400), type by
    /// content (415), header checks (image size, WAV length: 422). Then the engine's full inspection (face
    /// found and big enough, audio decodable and within limits): in the request when
    /// <see cref="UploadAdmission"/> grants a check slot, so problems are 4xx before a job exists;
    /// otherwise (a burst of uploads) the job is saved as <see cref="JobStatus.Checking"/> and
    /// <see cref="UploadChecker"/> finishes the check. Throws <see cref="ApiProblemException"/> on any
    /// problem; the caller's <see cref="UploadForm"/> then deletes the files, so nothing of a rejected
    /// upload stays on disk.
    /// </summary>
    public async Task<JobView> SubmitAsync(UploadForm form, CancellationToken ct, JobOwner? owner = null, SubmitContext? placement = null)
    {
        var clock = Stopwatch.StartNew();
        var image = form.Files.GetValueOrDefault(ImageField);
        var audio = form.Files.GetValueOrDefault(AudioField);
        var missing = new Dictionary<string, string[]>();
        if (image is null) missing[ImageField] = ["Attach a portrait photo in the field 'image' (PNG, JPEG or WebP)."];
        if (audio is null) missing[AudioField] = ["Attach a voice recording in the field 'audio' (WAV, MP3, M4A, OGG, FLAC)."];
        if (image is null || audio is null)
            throw new ApiProblemException(400, EngineErrorCodes.InvalidParameter, string.Join(" ", missing.Values.SelectMany(v => v)), missing);

        var parameters = ParameterBinder.Bind(form.Fields);
        var submitOptions = SubmitOptions.From(form.Fields);
        var imageFormat = ContentSniffer.Image(await ContentSniffer.ReadHeadAsync(image.Path, ct));
        if (imageFormat == ImageFormat.Unknown)
            throw new ApiProblemException(415, EngineErrorCodes.UnsupportedImage,
                $"The photo '{image.OriginalName}' is not a {ImageFormats.AcceptedDescription} image (checked by its content, not its name).");
        var audioKind = ContentSniffer.Audio(await ContentSniffer.ReadHeadAsync(audio.Path, ct));
        if (audioKind is null)
            throw new ApiProblemException(415, EngineErrorCodes.UnsupportedAudio,
                $"The audio '{audio.OriginalName}' is not in a supported format ({AudioLoader.AcceptedDescription}; checked by its content, not its name).");
        try
        {
            await UploadQuickChecks.CheckImageAsync(image.Path, pipeline.Options.Limits, ct);
            if (audioKind == "wav") await UploadQuickChecks.CheckWavAsync(audio.Path, pipeline.Options.Limits, ct);
        }
        catch (SonicEngineException e) { throw Problems.From(e); }

        var parametersJson = JobParameters.Serialize(parameters);
        var name = Clean(form.Fields.GetValueOrDefault("name"), 200) ?? Path.GetFileNameWithoutExtension(image.OriginalName);
        var submitter = owner?.DisplayName ?? Clean(form.Fields.GetValueOrDefault("submitter"), 100);

        // A batch checks every pair before any of its jobs exists (all or nothing) and holds them until all
        // passed, so its pairs always check here, waiting for a slot as long as it takes.
        using var slot = placement is not null ? await admission.WaitForSlotAsync(ct) : await admission.TryEnterForRequestAsync(ct);
        if (slot is null) // busy: the background check hashes the files and looks for a reusable output
            return await AcceptForBackgroundCheckAsync(name, submitter, owner, parametersJson, image, audio, imageFormat, audioKind, submitOptions, clock, ct);

        image = await FileHashes.WithSha256Async(image, ct);
        audio = await FileHashes.WithSha256Async(audio, ct);
        var inputHash = OutputReuse.InputHash(image.Sha256!, audio.Sha256!, parametersJson);
        if (options.Value.ReuseIdenticalOutputs && await TryReuseAsync(inputHash, name, submitter, owner?.UserId, image, audio, ct, placement?.BatchId) is { } reused)
            return reused;

        // "Preview first" renders the first frame here, from the same decode as the inspection, so the
        // preview never waits behind other jobs in the queue; the job then waits for POST .../confirm.
        InspectionResult inspection;
        byte[]? previewJpeg = null;
        try
        {
            if (submitOptions.PreviewFirst)
            {
                var preview = await pipeline.RenderPreviewAsync(image.Path, audio.Path, parameters, ct);
                (inspection, previewJpeg) = (preview.Inspection, preview.Jpeg);
            }
            else inspection = await pipeline.InspectAsync(image.Path, audio.Path, parameters, ct);
        }
        catch (SonicEngineException e) { throw Problems.From(e); }
        slot.Dispose(); // the rest is file moves and one insert

        var job = new Job
        {
            BatchId = placement?.BatchId,
            AudioSeconds = inspection.AudioSeconds,
            VideoSeconds = inspection.VideoSeconds,
            Width = inspection.Layout.Width,
            Height = inspection.Layout.Height,
            EstimatedSeconds = inspection.EstimatedSeconds,
            FramesTotal = GenerationPipeline.FrameCountFor(inspection.VideoSeconds),
            WarningsJson = JsonSerializer.Serialize(inspection.Warnings),
            Status = previewJpeg is null && placement?.Hold != true ? JobStatus.Queued : JobStatus.AwaitingConfirmation,
        };
        DescribeUpload(job, name, submitter, owner?.UserId, parametersJson, inputHash, image, audio);
        Directory.CreateDirectory(paths.Uploads(job.Id));
        MoveInputs(job, image, audio, imageFormat, audioKind);
        if (previewJpeg != null)
        {
            Directory.CreateDirectory(paths.Outputs(job.Id));
            await File.WriteAllBytesAsync(paths.Preview(job.Id), previewJpeg, CancellationToken.None);
        }

        await using (var context = await db.CreateDbContextAsync(ct))
        {
            context.Jobs.Add(job);
            await context.SaveChangesAsync(CancellationToken.None);
        }
        if (job.Status == JobStatus.Queued) signals.WakeWorkers();
        log.LogInformation("Job {JobId} {Status}: {Name} by {Submitter}; image {ImageName} {ImageBytes} B {ImageWidth}x{ImageHeight}, audio {AudioName} {AudioBytes} B {AudioSeconds:0.00} s; output {Width}x{Height}; parameters {Parameters}; estimate {Estimate:0.0} s; checked in {CheckMs} ms",
            job.Id, job.Status == JobStatus.Queued ? "queued" : "awaiting confirmation of its preview", job.Name, job.Submitter, image.OriginalName, image.Length, inspection.ImageWidth, inspection.ImageHeight, audio.OriginalName, audio.Length,
            inspection.AudioSeconds, job.Width, job.Height, parametersJson, job.EstimatedSeconds, clock.ElapsedMilliseconds);
        return (await queries.GetAsync(job.Id, CancellationToken.None))!;
    }

    /// <summary>
    /// The server is busy: the job is saved as Checking with its inputs in place (durable: a restart
    /// checks it again) and answered 202 at once; <see cref="UploadChecker"/> moves it on.
    /// </summary>
    private async Task<JobView> AcceptForBackgroundCheckAsync(string name, string? submitter, JobOwner? owner, string parametersJson,
        UploadedFile image, UploadedFile audio, ImageFormat imageFormat, string audioKind, SubmitOptions submitOptions, Stopwatch clock, CancellationToken ct)
    {
        var job = DescribeUpload(new Job { Status = JobStatus.Checking }, name, submitter, owner?.UserId, parametersJson, inputHash: "", image, audio);
        var uploads = paths.Uploads(job.Id);
        Directory.CreateDirectory(uploads);
        MoveInputs(job, image, audio, imageFormat, audioKind);
        await new PendingCheck(submitOptions.PreviewFirst).WriteAsync(uploads, CancellationToken.None);
        await using (var context = await db.CreateDbContextAsync(ct))
        {
            context.Jobs.Add(job);
            await context.SaveChangesAsync(CancellationToken.None);
        }
        checker.Enqueue(job.Id);
        log.LogInformation("Job {JobId} accepted for a background check (server busy: {UploadsInFlight} uploads in flight, {ChecksWaiting} checks waiting): {Name} by {Submitter}; image {ImageName} {ImageBytes} B, audio {AudioName} {AudioBytes} B; parameters {Parameters}; accepted in {AcceptMs} ms",
            job.Id, admission.UploadsInFlight, admission.ChecksWaiting, job.Name, job.Submitter, image.OriginalName, image.Length, audio.OriginalName, audio.Length,
            parametersJson, clock.ElapsedMilliseconds);
        return (await queries.GetAsync(job.Id, CancellationToken.None))!;
    }

    /// <summary>
    /// Fills in what every job made from an upload records: its name (or "video"), who sent it, the
    /// parameters and the two files as they arrived (name, size, hash). The caller sets the rest. The
    /// hashes are empty for a job checked in the background until its check computes them.
    /// </summary>
    private static Job DescribeUpload(Job job, string name, string? submitter, string? ownerId, string parametersJson, string inputHash,
        UploadedFile image, UploadedFile audio)
    {
        job.Name = name.Length > 0 ? name : "video";
        job.Submitter = submitter;
        job.OwnerId = ownerId;
        job.ParametersJson = parametersJson;
        job.Backend = TimeEstimator.BuiltInBackend;
        job.ImageFileName = image.OriginalName;
        job.ImageBytes = image.Length;
        job.ImageSha256 = image.Sha256 ?? "";
        job.AudioFileName = audio.OriginalName;
        job.AudioBytes = audio.Length;
        job.AudioSha256 = audio.Sha256 ?? "";
        job.InputHash = inputHash;
        return job;
    }

    /// <summary>Moves the staged files to uploads/&lt;id&gt;/image.&lt;ext&gt; and audio.&lt;ext&gt;.</summary>
    private void MoveInputs(Job job, UploadedFile image, UploadedFile audio, ImageFormat imageFormat, string audioKind)
    {
        var uploads = paths.Uploads(job.Id);
        var imagePath = Path.Combine(uploads, "image." + imageFormat.ToString().ToLowerInvariant());
        var audioPath = Path.Combine(uploads, "audio." + audioKind);
        File.Move(image.Path, imagePath);
        File.Move(audio.Path, audioPath);
        job.ImagePath = paths.Relative(imagePath);
        job.AudioPath = paths.Relative(audioPath);
    }

    /// <summary>Same photo, same audio, same parameters as a finished job: copy its output instead of generating again.</summary>
    private async Task<JobView?> TryReuseAsync(string inputHash, string name, string? submitter, string? ownerId, UploadedFile image, UploadedFile audio, CancellationToken ct, string? batchId = null)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        var source = await reuse.FindSourceAsync(context, inputHash, ct);
        if (source is null) return null;

        var now = DateTime.UtcNow;
        var job = new Job
        {
            BatchId = batchId,
            AudioSeconds = source.AudioSeconds, VideoSeconds = source.VideoSeconds,
            Width = source.Width, Height = source.Height,
            EstimatedSeconds = 0,
            Status = JobStatus.Succeeded,
            Stage = GenerationStage.Completed.ToString(),
            FramesDone = source.FramesTotal, FramesTotal = source.FramesTotal,
            StartedAt = now, FinishedAt = now, GenerationSeconds = 0,
            Seed = source.Seed, WarningsJson = source.WarningsJson,
            ReusedFromJobId = source.Id,
        };
        DescribeUpload(job, name.Length > 0 ? name : source.Name, submitter, ownerId, source.ParametersJson, inputHash, image, audio);
        job.Backend = source.Backend;
        var uploads = paths.Uploads(job.Id);
        Directory.CreateDirectory(uploads);
        var imagePath = Path.Combine(uploads, "image" + Path.GetExtension(source.ImagePath));
        var audioPath = Path.Combine(uploads, "audio" + Path.GetExtension(source.AudioPath));
        File.Move(image.Path, imagePath);
        File.Move(audio.Path, audioPath);
        job.ImagePath = paths.Relative(imagePath);
        job.AudioPath = paths.Relative(audioPath);
        (job.OutputPath, job.ThumbnailPath) = reuse.CopyOutputs(source, job.Id);
        context.Jobs.Add(job);
        await context.SaveChangesAsync(CancellationToken.None);
        log.LogInformation("Job {JobId} reused the output of job {SourceId} (identical inputs and parameters)", job.Id, source.Id);
        if (batchId is null) await userNotifications.JobFinishedAsync(job.Id, CancellationToken.None); // a batch sends one message for all its jobs
        return await queries.GetAsync(job.Id, CancellationToken.None);
    }

    /// <summary>A "preview first" job the user accepted: it joins the end of the queue for the full render.</summary>
    public async Task<JobView> ConfirmAsync(string id, CancellationToken ct)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        int updated = await context.Jobs.Where(j => j.Id == id && j.Status == JobStatus.AwaitingConfirmation)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Queued)
                .SetProperty(j => j.QueuedAt, DateTime.UtcNow), ct);
        if (updated == 0)
        {
            var job = await queries.GetEntityAsync(id, ct) ?? throw Problems.NotFound($"There is no job '{id}'.");
            throw Problems.Conflict($"Job {id} is {job.Status}; only a job awaiting confirmation of its preview can be confirmed.");
        }
        signals.WakeWorkers();
        log.LogInformation("Job {JobId} preview confirmed; queued for the full render", id);
        var view = (await queries.GetAsync(id, ct))!;
        await notifier.StatusAsync(view);
        return view;
    }

    /// <summary>Queued, awaiting confirmation or still being checked: cancelled at once (a running check is stopped). Running: the pipeline's token is cancelled (ffmpeg is killed) and the runner records it.</summary>
    public async Task<JobView> CancelAsync(string id, CancellationToken ct)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        int updated = await context.Jobs.Where(j => j.Id == id && (j.Status == JobStatus.Queued || j.Status == JobStatus.AwaitingConfirmation || j.Status == JobStatus.Checking))
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Cancelled)
                .SetProperty(j => j.FinishedAt, DateTime.UtcNow)
                .SetProperty(j => j.ErrorCode, EngineErrorCodes.Cancelled)
                .SetProperty(j => j.ErrorMessage, "Cancelled before it started."), ct);
        if (updated == 1)
        {
            checker.Abandon(id); // when it was Checking: stop the check (its result would be ignored anyway)
            log.LogInformation("Job {JobId} cancelled while queued", id);
            var view = (await queries.GetAsync(id, ct))!;
            await notifier.StatusAsync(view);
            signals.MarkFinished(id);
            return view;
        }

        var job = await queries.GetEntityAsync(id, ct) ?? throw Problems.NotFound($"There is no job '{id}'.");
        if (job.Status != JobStatus.Running)
            throw Problems.Conflict($"Job {id} is {job.Status}; only checking, queued or running jobs can be cancelled.");
        if (!signals.CancelRunning(id))
            throw Problems.Conflict($"Job {id} is being started or finished; try again in a moment.");
        log.LogInformation("Job {JobId} cancellation requested while running", id);
        // The runner writes the final state; wait briefly so the answer usually shows it.
        await Task.WhenAny(signals.WhenFinished(id), Task.Delay(TimeSpan.FromSeconds(5), ct));
        return (await queries.GetAsync(id, ct))!;
    }

    /// <summary>
    /// Failed or cancelled jobs go to the end of the queue with the same inputs and parameters. A job that
    /// never passed its background check (failed or cancelled while Checking) is checked again instead, so
    /// inputs that fail the check (no face, audio too long) fail there again and are never rendered.
    /// </summary>
    public async Task<JobView> RetryAsync(string id, CancellationToken ct)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        var job = await context.Jobs.FirstOrDefaultAsync(j => j.Id == id, ct) ?? throw Problems.NotFound($"There is no job '{id}'.");
        if (job.Status is not (JobStatus.Failed or JobStatus.Cancelled))
            throw Problems.Conflict($"Job {id} is {job.Status}; only failed or cancelled jobs can be retried (use re-run for finished ones).");
        bool recheck = PendingCheck.Exists(paths.Uploads(id));
        job.Status = recheck ? JobStatus.Checking : JobStatus.Queued;
        job.QueuedAt = DateTime.UtcNow;
        job.Stage = null;
        job.FramesDone = 0;
        job.ErrorCode = null;
        job.ErrorMessage = null;
        job.StartedAt = null;
        job.FinishedAt = null;
        await context.SaveChangesAsync(ct);
        if (recheck) checker.Enqueue(id);
        else signals.WakeWorkers();
        log.LogInformation(recheck ? "Job {JobId} is checked again (retry of a job that did not pass its check)" : "Job {JobId} queued again (retry)", id);
        var view = (await queries.GetAsync(id, ct))!;
        await notifier.StatusAsync(view);
        return view;
    }

    /// <summary>A new job with the same inputs and parameters as any existing one (the history's re-run).</summary>
    public async Task<JobView> RerunAsync(string id, CancellationToken ct, JobOwner? owner = null)
    {
        var source = await queries.GetEntityAsync(id, ct) ?? throw Problems.NotFound($"There is no job '{id}'.");
        var job = new Job
        {
            Name = source.Name, Submitter = owner?.DisplayName ?? source.Submitter, OwnerId = owner?.UserId ?? source.OwnerId, ParametersJson = source.ParametersJson, Backend = source.Backend,
            ImageFileName = source.ImageFileName, ImageBytes = source.ImageBytes, ImageSha256 = source.ImageSha256,
            AudioFileName = source.AudioFileName, AudioBytes = source.AudioBytes, AudioSha256 = source.AudioSha256,
            InputHash = source.InputHash, AudioSeconds = source.AudioSeconds, VideoSeconds = source.VideoSeconds,
            Width = source.Width, Height = source.Height, FramesTotal = GenerationPipeline.FrameCountFor(source.VideoSeconds),
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
        signals.WakeWorkers();
        log.LogInformation("Job {JobId} queued as a re-run of {SourceId}", job.Id, id);
        return (await queries.GetAsync(job.Id, CancellationToken.None))!;
    }

    /// <summary>Removes the row and every file of the job (cancelling it first if it runs).</summary>
    public async Task DeleteAsync(string id, CancellationToken ct)
    {
        var job = await queries.GetEntityAsync(id, ct) ?? throw Problems.NotFound($"There is no job '{id}'.");
        if (job.Status == JobStatus.Running && signals.CancelRunning(id))
            await Task.WhenAny(signals.WhenFinished(id), Task.Delay(TimeSpan.FromSeconds(10), ct));
        checker.Abandon(id);
        await using (var context = await db.CreateDbContextAsync(ct))
            await context.Jobs.Where(j => j.Id == id).ExecuteDeleteAsync(ct);
        StoragePaths.DeleteQuietly(paths.Uploads(id));
        StoragePaths.DeleteQuietly(paths.Outputs(id));
        log.LogInformation("Job {JobId} deleted with its files", id);
    }

    private static string? Clean(string? text, int max)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var t = new string(text.Trim().Where(c => !char.IsControl(c)).ToArray());
        return t.Length > max ? t[..max] : t;
    }
}

/// <summary>The signed-in user a new job belongs to.</summary>
public sealed record JobOwner(string UserId, string DisplayName);
