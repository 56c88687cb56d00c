using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SonicWeb.Data;
using SonicWeb.Engine.Backends;
using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Hosting;
using SonicWeb.Jobs.Finishing;
using SonicWeb.Jobs.Transport;
using SonicWeb.Storage;

namespace SonicWeb.Jobs.Running;

/// <summary>
/// Runs one claimed job through its backend (the job row's Backend) and records the outcome. Three
/// things can stop a run: the user (Cancelled, through <see cref="IJobControl"/>), the watchdog
/// (Failed, code watchdog_timeout) and the host shutting down (the row stays Running; the next start
/// puts it back in the queue). The final state is written only while the row is still this claim
/// (Running, same attempt), then the job's end is raised once (<see cref="JobFinishing"/>). A database that does not
/// answer when the run ends (PostgreSQL restarting, a network cut) does not lose the run: its final state is written
/// again with backoff until the database takes it (the video stays on disk meanwhile), and the job's message is
/// acknowledged only then; a stop of the host meanwhile leaves the job to run again, as any interrupted run.
/// </summary>
public sealed class JobRunner(
    GenerationBackends backends,
    IDbContextFactory<SonicDbContext> db,
    StoragePaths paths,
    IJobControl control,
    IJobEvents events,
    JobFinishing finishing,
    IOptions<JobOptions> options,
    Reliability.DiskReserve reserve,
    ILogger<JobRunner> log)
{
    public const string WatchdogCode = "watchdog_timeout";

    /// <summary>Runs the job; false when the host stopped it midway (the job runs again after the restart).</summary>
    public async Task<bool> RunAsync(Job job, CancellationToken stopping)
    {
        var limit = options.Value.WatchdogLimit(job.EstimatedSeconds);
        using var userCancel = new CancellationTokenSource();
        using var watchdog = new CancellationTokenSource(limit);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, userCancel.Token, watchdog.Token);
        var registration = control.Register(job.Id, userCancel.Cancel);
        using var scope = log.BeginScope(new Dictionary<string, object> { ["JobId"] = job.Id, ["Attempt"] = job.Attempts });
        log.LogInformation("Job {JobId} started (attempt {Attempt}, backend {Backend}, parameters {Parameters}, image {ImageBytes} B, audio {AudioBytes} B / {AudioSeconds:0.00} s, estimate {Estimate:0.0} s, watchdog {Limit:0} s)",
            job.Id, job.Attempts, job.Backend, job.ParametersJson, job.ImageBytes, job.AudioBytes, job.AudioSeconds, job.EstimatedSeconds, limit.TotalSeconds);

        reserve.Ensure(); // made again if a full disk used it up and there is room now
        var outputDir = paths.Outputs(job.Id);
        Directory.CreateDirectory(outputDir);
        var clock = Stopwatch.StartNew();
        var sink = new JobProgressSink(job.Id, events, db, paths, log);
        Action<Job> final;
        try
        {
            var request = new GenerationRequest(paths.Absolute(job.ImagePath), paths.Absolute(job.AudioPath), paths.Video(job.Id),
                JobParameters.Deserialize(job.ParametersJson));
            GenerationResult result;
            try { result = await backends.Get(job.Backend).GenerateAsync(request, sink, linked.Token); }
            finally { await sink.DisposeAsync(); }

            string? thumbnail = null;
            if (sink.FirstPreview is { } first)
            {
                await File.WriteAllBytesAsync(paths.Thumbnail(job.Id), first, CancellationToken.None);
                thumbnail = paths.Relative(paths.Thumbnail(job.Id));
            }
            var seconds = clock.Elapsed.TotalSeconds;
            final = j =>
            {
                j.Status = JobStatus.Succeeded;
                j.Stage = GenerationStage.Completed.ToString();
                j.FramesDone = j.FramesTotal = result.Frames;
                j.Width = result.Width;
                j.Height = result.Height;
                j.VideoSeconds = result.DurationSeconds;
                j.GenerationSeconds = seconds;
                j.Seed = result.Seed;
                j.WarningsJson = JsonSerializer.Serialize(result.Warnings);
                j.StageSecondsJson = JsonSerializer.Serialize(result.StageSeconds);
                j.OutputPath = paths.Relative(result.OutputPath);
                j.ThumbnailPath = thumbnail;
            };
            log.LogInformation("Job {JobId} succeeded in {Seconds:0.00} s: {Frames} frames {Width}x{Height}, stages {StageSeconds}",
                job.Id, clock.Elapsed.TotalSeconds, result.Frames, result.Width, result.Height, JsonSerializer.Serialize(result.StageSeconds));
        }
        catch (Exception e) when (stopping.IsCancellationRequested && e is OperationCanceledException)
        {
            log.LogWarning("Job {JobId} interrupted by shutdown after {Seconds:0.0} s; it runs again at the next start", job.Id, clock.Elapsed.TotalSeconds);
            return false;
        }
        catch (Exception e) when (userCancel.IsCancellationRequested)
        {
            log.LogInformation("Job {JobId} cancelled by the user after {Seconds:0.0} s ({Error})", job.Id, clock.Elapsed.TotalSeconds, e.GetType().Name);
            final = j =>
            {
                j.Status = JobStatus.Cancelled;
                j.ErrorCode = EngineErrorCodes.Cancelled;
                j.ErrorMessage = "Cancelled while running.";
            };
        }
        catch (Exception e) when (watchdog.IsCancellationRequested)
        {
            var message = $"Stopped by the watchdog after {clock.Elapsed.TotalSeconds:0} s: the limit for this job is {limit.TotalSeconds:0} s " +
                $"(max of {options.Value.WatchdogMultiplier:0.##} x the {job.EstimatedSeconds:0} s estimate and {options.Value.WatchdogMinimumSeconds:0} s; " +
                "settings Jobs:WatchdogMultiplier and Jobs:WatchdogMinimumSeconds).";
            log.LogWarning("Job {JobId} failed: {Message} ({Error})", job.Id, message, e.GetType().Name);
            final = j => { j.Status = JobStatus.Failed; j.ErrorCode = WatchdogCode; j.ErrorMessage = message; };
        }
        catch (SonicEngineException e)
        {
            log.LogWarning("Job {JobId} failed with {Code}: {Message}", job.Id, e.Code, e.Message);
            final = j => { j.Status = JobStatus.Failed; j.ErrorCode = e.Code; j.ErrorMessage = EngineSettingNames.Describe(e); };
        }
        catch (Exception e)
        {
            log.LogError(e, "Job {JobId} failed unexpectedly", job.Id);
            var fault = Reliability.ResourceFaults.Classify(e); // a full disk or a locked database says so
            final = j =>
            {
                j.Status = JobStatus.Failed;
                j.ErrorCode = fault?.Code ?? EngineErrorCodes.Internal;
                j.ErrorMessage = fault is null ? "Generation failed unexpectedly: " + e.Message : "Generation stopped: " + fault.Message;
            };
        }
        finally
        {
            registration.Dispose();
        }

        bool written;
        try { written = await WriteFinalStateAsync(job, final, stopping); }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            log.LogWarning("Job {JobId}: the host stopped before the database took its final state; it runs again at the next start", job.Id);
            return false;
        }
        if (written)
        {
            // The end is committed: the message is acknowledged whatever happens here. Notices a failure here loses are
            // written by the next pass of MissedFinishNotices.
            try { await finishing.FinishedAsync(job.Id); }
            catch (Exception e) { log.LogError(e, "Job {JobId} ended, but its end could not be announced", job.Id); }
        }
        return true;
    }

    /// <summary>The first wait after the database refused a final state; doubled after each refusal up to <see cref="FinalStateRetryMax"/>.</summary>
    private static readonly TimeSpan FinalStateRetryFirst = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FinalStateRetryMax = TimeSpan.FromSeconds(15);

    /// <summary>
    /// <see cref="FinishAsync"/> until the database takes it (locked, out of reach or its disk full: the job's end is
    /// recorded as soon as space is freed, and a failed run's own files are deleted first to make that room). A write whose answer was lost (the connection dropped
    /// during the commit) may have gone through: the next try finds the row final at this attempt and counts it as written.
    /// </summary>
    private async Task<bool> WriteFinalStateAsync(Job claimed, Action<Job> update, CancellationToken stopping)
    {
        var wait = FinalStateRetryFirst;
        bool mayHaveCommitted = false;
        for (int tries = 1; ; tries++)
        {
            try { return await FinishAsync(claimed, update, mayHaveCommitted); }
            catch (Exception e) when (Reliability.ResourceFaults.MayGoThroughLater(e))
            {
                mayHaveCommitted = true;
                if (Reliability.ResourceFaults.Classify(e)?.Code == "disk_full" && reserve.Release()) continue; // at once, with the room given back
                log.LogWarning("Job {JobId}: the database did not take its final state ({Error}); try {Try}, again in {Seconds:0} s (a finished run's video is kept)",
                    claimed.Id, e.GetBaseException().Message, tries, wait.TotalSeconds);
                await Task.Delay(wait, stopping);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, FinalStateRetryMax.Ticks));
            }
        }
    }

    /// <summary>
    /// Writes the final state while the row is still this run's claim (Running, this attempt); false when
    /// it is not (deleted meanwhile: the delete raised the job's end). A failed run leaves no video behind.
    /// <paramref name="mayHaveCommitted"/>: an earlier try's commit lost its answer; a row already final at this attempt is that commit.
    /// </summary>
    private async Task<bool> FinishAsync(Job claimed, Action<Job> update, bool mayHaveCommitted)
    {
        await using var context = await db.CreateDbContextAsync(CancellationToken.None);
        var job = await context.Jobs.FirstOrDefaultAsync(j => j.Id == claimed.Id && j.Attempts == claimed.Attempts, CancellationToken.None);
        if (job is null) return false;
        if (job.Status != JobStatus.Running) return mayHaveCommitted && JobActions.Final.Contains(job.Status);
        update(job);
        job.FinishedAt = DateTime.UtcNow;
        if (job.Status != JobStatus.Succeeded)
        {
            // The encoder removes partial files; this makes sure, and on a full disk it frees the room the database needs
            // to take this very state (the run's partial video is usually the largest file it wrote).
            foreach (var partial in new[] { paths.Video(claimed.Id), paths.Thumbnail(claimed.Id) })
                if (File.Exists(partial)) File.Delete(partial);
        }
        try { await context.SaveChangesAsync(CancellationToken.None); }
        catch (DbUpdateConcurrencyException) { return false; } // deleted between the read and the write
        return true;
    }
}
