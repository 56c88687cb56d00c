using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SonicWeb.Data;
using SonicWeb.Engine.Backends;
using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Media;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Errors;
using SonicWeb.Jobs.Finishing;
using SonicWeb.Jobs.Transport;
using SonicWeb.Storage;

namespace SonicWeb.Jobs.Submission;

/// <summary>
/// Accepting a new video (<see cref="SubmitJob"/>): the inputs are checked completely before a job
/// exists whenever the server has a moment, and otherwise right after.
/// </summary>
public sealed class JobSubmission(
    GenerationBackends backends,
    IOptions<EngineOptions> engine,
    IDbContextFactory<SonicDbContext> db,
    StoragePaths paths,
    IJobQueue queue,
    JobQueries queries,
    JobFinishing finishing,
    UploadAdmission admission,
    UploadChecker checker,
    OutputReuse reuse,
    IOptions<JobOptions> options,
    Security.JobCapacity capacity,
    ILogger<JobSubmission> log)
{
    public const int MaxNameLength = 200;
    public const int MaxSubmitterLength = 100;

    /// <summary>
    /// Checks the staged files and makes the job. Always here: the backend's name, the files' types by
    /// content, header checks (image size, WAV length). Then the backend's full inspection (face found and
    /// big enough, audio decodable and within limits): at once when <see cref="UploadAdmission"/> grants a
    /// check slot, so problems are refused before a job exists; otherwise (a burst of uploads) the job is
    /// saved as <see cref="JobStatus.Checking"/> and <see cref="UploadChecker"/> finishes the check.
    /// Refusals are <see cref="InputRejectedException"/>s; the caller then deletes the staged files, so
    /// nothing of a refused upload stays on disk.
    /// </summary>
    public async Task<JobView> SubmitAsync(SubmitJob c, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        if (c.BatchId is null) await capacity.EnsureRoomAsync(c.Owner?.UserId, 1, ct); // a batch made room for all its pairs
        var backend = Backend(c.Backend);
        var (image, audio) = (c.Image, c.Audio);
        var imageFormat = MediaSniffer.Image(await MediaSniffer.ReadHeadAsync(image.Path, ct));
        if (imageFormat == ImageFormat.Unknown)
            throw new InputRejectedException(EngineErrorCodes.UnsupportedImage,
                $"The photo '{image.OriginalName}' is not a {ImageFormats.AcceptedDescription} image (checked by its content, not its name).");
        var audioKind = MediaSniffer.Audio(await MediaSniffer.ReadHeadAsync(audio.Path, ct))
            ?? throw new InputRejectedException(EngineErrorCodes.UnsupportedAudio,
                $"The audio '{audio.OriginalName}' is not in a supported format ({AudioLoader.AcceptedDescription}; checked by its content, not its name).");
        try
        {
            await HeaderChecks.CheckImageAsync(image.Path, engine.Value.Limits, ct);
            if (audioKind == "wav") await HeaderChecks.CheckWavAsync(audio.Path, engine.Value.Limits, ct);
        }
        catch (SonicEngineException e) when (e.IsBadInput) { throw InputRejectedException.From(e); }

        var parametersJson = JobParameters.Serialize(c.Parameters);
        var name = Clean(c.Name, MaxNameLength) ?? Path.GetFileNameWithoutExtension(image.OriginalName);
        var submitter = c.Owner?.DisplayName ?? Clean(c.Submitter, MaxSubmitterLength);
        var described = new UploadDescription(name, submitter, c.Owner?.UserId, parametersJson, backend.Description.Name, image, audio, c.CallbackUrl);

        // A batch checks every pair before any of its jobs exists (all or nothing) and holds them until all
        // passed, so its pairs always check here, waiting for a slot as long as it takes.
        using var slot = c.BatchId is not null ? await admission.WaitForSlotAsync(ct) : await admission.TryEnterForRequestAsync(ct);
        if (slot is null) // busy: the background check hashes the files and looks for a reusable output
            return await AcceptForBackgroundCheckAsync(described, imageFormat, audioKind, c.PreviewFirst, clock, ct);

        image = await FileHashes.WithSha256Async(image, ct);
        audio = await FileHashes.WithSha256Async(audio, ct);
        described = described with { Image = image, Audio = audio };
        var inputHash = OutputReuse.InputHash(image.Sha256!, audio.Sha256!, parametersJson);
        if (options.Value.ReuseIdenticalOutputs && await TryReuseAsync(inputHash, described, c.BatchId, ct) is { } reused)
            return reused;

        // "Preview first" renders the first frame here, from the same decode as the inspection, so the
        // preview never waits behind other jobs in the queue; the job then waits for a confirmation.
        InspectionResult inspection;
        byte[]? previewJpeg = null;
        try
        {
            if (c.PreviewFirst)
            {
                var preview = await backend.RenderPreviewAsync(image.Path, audio.Path, c.Parameters, ct);
                (inspection, previewJpeg) = (preview.Inspection, preview.Jpeg);
            }
            else inspection = await backend.InspectAsync(image.Path, audio.Path, c.Parameters, ct);
        }
        catch (SonicEngineException e) when (e.IsBadInput) { throw InputRejectedException.From(e); }
        slot.Dispose(); // the rest is file moves and one insert

        var job = new Job
        {
            BatchId = c.BatchId,
            AudioSeconds = inspection.AudioSeconds,
            VideoSeconds = inspection.VideoSeconds,
            Width = inspection.Layout.Width,
            Height = inspection.Layout.Height,
            EstimatedSeconds = inspection.EstimatedSeconds,
            FramesTotal = inspection.FrameCount,
            WarningsJson = JsonSerializer.Serialize(inspection.Warnings),
            Status = previewJpeg is not null ? JobStatus.AwaitingConfirmation : c.Hold ? JobStatus.Held : JobStatus.Queued,
        };
        described.ApplyTo(job, inputHash);
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
        if (job.Status == JobStatus.Queued) queue.Enqueue(job.Id);
        log.LogInformation("Job {JobId} {Status}: {Name} by {Submitter}; image {ImageName} {ImageBytes} B {ImageWidth}x{ImageHeight}, audio {AudioName} {AudioBytes} B {AudioSeconds:0.00} s; output {Width}x{Height}; parameters {Parameters}; estimate {Estimate:0.0} s; checked in {CheckMs} ms",
            job.Id, StatusWords(job.Status), job.Name, job.Submitter, image.OriginalName, image.Length, inspection.ImageWidth, inspection.ImageHeight, audio.OriginalName, audio.Length,
            inspection.AudioSeconds, job.Width, job.Height, parametersJson, job.EstimatedSeconds, clock.ElapsedMilliseconds);
        return (await queries.GetAsync(job.Id, CancellationToken.None))!;
    }

    /// <summary>The backend by name (the installation's default when none is asked for); an unknown name is refused.</summary>
    private IGenerationBackend Backend(string? name)
    {
        try { return name is null ? backends.Default : backends.Get(name); }
        catch (SonicEngineException e) { throw InputRejectedException.Field("backend", e.Message); }
    }

    private static string StatusWords(JobStatus status) => status switch
    {
        JobStatus.Queued => "queued",
        JobStatus.Held => "held until its batch is checked",
        _ => "awaiting confirmation of its preview",
    };

    /// <summary>
    /// The server is busy: the job is saved as Checking with its inputs in place (durable: a restart
    /// checks it again) and answered at once; <see cref="UploadChecker"/> moves it on.
    /// </summary>
    private async Task<JobView> AcceptForBackgroundCheckAsync(UploadDescription described, ImageFormat imageFormat, string audioKind,
        bool previewFirst, Stopwatch clock, CancellationToken ct)
    {
        var job = new Job { Status = JobStatus.Checking };
        described.ApplyTo(job, inputHash: "");
        var uploads = paths.Uploads(job.Id);
        Directory.CreateDirectory(uploads);
        MoveInputs(job, described.Image, described.Audio, imageFormat, audioKind);
        await new PendingCheck(previewFirst).WriteAsync(uploads, CancellationToken.None);
        await using (var context = await db.CreateDbContextAsync(ct))
        {
            context.Jobs.Add(job);
            await context.SaveChangesAsync(CancellationToken.None);
        }
        checker.Enqueue(job.Id);
        log.LogInformation("Job {JobId} accepted for a background check (server busy: {UploadsInFlight} uploads in flight, {ChecksWaiting} checks waiting): {Name} by {Submitter}; image {ImageName} {ImageBytes} B, audio {AudioName} {AudioBytes} B; parameters {Parameters}; accepted in {AcceptMs} ms",
            job.Id, admission.UploadsInFlight, admission.ChecksWaiting, job.Name, job.Submitter, described.Image.OriginalName, described.Image.Length,
            described.Audio.OriginalName, described.Audio.Length, described.ParametersJson, clock.ElapsedMilliseconds);
        return (await queries.GetAsync(job.Id, CancellationToken.None))!;
    }

    /// <summary>Moves the staged files to uploads/&lt;id&gt;/image.&lt;ext&gt; and audio.&lt;ext&gt;.</summary>
    private void MoveInputs(Job job, UploadedFile image, UploadedFile audio, ImageFormat imageFormat, string audioKind) =>
        MoveInputs(job, image, audio, "image." + imageFormat.ToString().ToLowerInvariant(), "audio." + audioKind);

    private void MoveInputs(Job job, UploadedFile image, UploadedFile audio, string imageName, string audioName)
    {
        var uploads = paths.Uploads(job.Id);
        var imagePath = Path.Combine(uploads, imageName);
        var audioPath = Path.Combine(uploads, audioName);
        File.Move(image.Path, imagePath);
        File.Move(audio.Path, audioPath);
        job.ImagePath = paths.Relative(imagePath);
        job.AudioPath = paths.Relative(audioPath);
    }

    /// <summary>Same photo, same audio, same parameters as a finished job: copy its output instead of generating again.</summary>
    private async Task<JobView?> TryReuseAsync(string inputHash, UploadDescription described, string? batchId, CancellationToken ct)
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
        (described with { Name = described.Name.Length > 0 ? described.Name : source.Name, ParametersJson = source.ParametersJson, Backend = source.Backend })
            .ApplyTo(job, inputHash);
        Directory.CreateDirectory(paths.Uploads(job.Id));
        MoveInputs(job, described.Image, described.Audio, "image" + Path.GetExtension(source.ImagePath), "audio" + Path.GetExtension(source.AudioPath));
        (job.OutputPath, job.ThumbnailPath) = reuse.CopyOutputs(source, job.Id);
        context.Jobs.Add(job);
        await context.SaveChangesAsync(CancellationToken.None);
        log.LogInformation("Job {JobId} reused the output of job {SourceId} (identical inputs and parameters)", job.Id, source.Id);
        await finishing.FinishedAsync(job.Id, reused: true);
        return await queries.GetAsync(job.Id, CancellationToken.None);
    }

    private static string? Clean(string? text, int max)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var t = new string(text.Trim().Where(c => !char.IsControl(c)).ToArray());
        return t.Length > max ? t[..max] : t;
    }

    /// <summary>
    /// What every job made from an upload records: its name (or "video"), who sent it, the parameters,
    /// the backend and the two files as they arrived (name, size, hash). The hashes are empty for a job
    /// checked in the background until its check computes them.
    /// </summary>
    private sealed record UploadDescription(string Name, string? Submitter, string? OwnerId, string ParametersJson, string Backend,
        UploadedFile Image, UploadedFile Audio, string? CallbackUrl)
    {
        public void ApplyTo(Job job, string inputHash)
        {
            job.CallbackUrl = CallbackUrl;
            job.Name = Name.Length > 0 ? Name : "video";
            job.Submitter = Submitter;
            job.OwnerId = OwnerId;
            job.ParametersJson = ParametersJson;
            job.Backend = Backend;
            job.ImageFileName = Image.OriginalName;
            job.ImageBytes = Image.Length;
            job.ImageSha256 = Image.Sha256 ?? "";
            job.AudioFileName = Audio.OriginalName;
            job.AudioBytes = Audio.Length;
            job.AudioSha256 = Audio.Sha256 ?? "";
            job.InputHash = inputHash;
        }
    }
}
