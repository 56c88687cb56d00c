using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SonicWeb.Data;
using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Notifications;
using SonicWeb.Storage;

namespace SonicWeb.Jobs;

/// <summary>
/// Runs one claimed job through the pipeline and records the outcome. Three things can stop a run:
/// the user (Cancelled), the watchdog (Failed, code watchdog_timeout) and the host shutting down (the
/// row stays Running; the next start puts it back in the queue).
/// </summary>
public sealed class JobRunner(
    GenerationPipeline pipeline,
    IDbContextFactory<SonicDbContext> db,
    StoragePaths paths,
    JobSignals signals,
    JobNotifier notifier,
    JobQueries queries,
    EstimatorService estimator,
    IUserNotifications userNotifications,
    Batches.BatchCompletion batches,
    IOptions<JobOptions> options,
    ILogger<JobRunner> log)
{
    public const string WatchdogCode = "watchdog_timeout";

    public async Task RunAsync(Job job, CancellationToken stopping)
    {
        var limit = options.Value.WatchdogLimit(job.EstimatedSeconds);
        using var userCancel = new CancellationTokenSource();
        using var watchdog = new CancellationTokenSource(limit);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, userCancel.Token, watchdog.Token);
        signals.RegisterRunning(job.Id, userCancel);
        using var scope = log.BeginScope(new Dictionary<string, object> { ["JobId"] = job.Id, ["Attempt"] = job.Attempts });
        log.LogInformation("Job {JobId} started (attempt {Attempt}, backend {Backend}, parameters {Parameters}, image {ImageBytes} B, audio {AudioBytes} B / {AudioSeconds:0.00} s, estimate {Estimate:0.0} s, watchdog {Limit:0} s)",
            job.Id, job.Attempts, job.Backend, job.ParametersJson, job.ImageBytes, job.AudioBytes, job.AudioSeconds, job.EstimatedSeconds, limit.TotalSeconds);

        var outputDir = paths.Outputs(job.Id);
        Directory.CreateDirectory(outputDir);
        var clock = Stopwatch.StartNew();
        var sink = new JobProgressSink(job.Id, notifier, db, paths, log);
        bool interruptedByShutdown = false;
        try
        {
            var request = new GenerationRequest(paths.Absolute(job.ImagePath), paths.Absolute(job.AudioPath), paths.Video(job.Id),
                JobParameters.Deserialize(job.ParametersJson));
            GenerationResult result;
            try { result = await pipeline.GenerateAsync(request, sink, linked.Token); }
            finally { await sink.DisposeAsync(); }

            string? thumbnail = null;
            if (sink.FirstPreview is { } first)
            {
                await File.WriteAllBytesAsync(paths.Thumbnail(job.Id), first, CancellationToken.None);
                thumbnail = paths.Relative(paths.Thumbnail(job.Id));
            }
            await FinishAsync(job.Id, j =>
            {
                j.Status = JobStatus.Succeeded;
                j.Stage = GenerationStage.Completed.ToString();
                j.FramesDone = j.FramesTotal = result.Frames;
                j.Width = result.Width;
                j.Height = result.Height;
                j.VideoSeconds = result.DurationSeconds;
                j.GenerationSeconds = clock.Elapsed.TotalSeconds;
                j.Seed = result.Seed;
                j.WarningsJson = JsonSerializer.Serialize(result.Warnings);
                j.StageSecondsJson = JsonSerializer.Serialize(result.StageSeconds);
                j.OutputPath = paths.Relative(result.OutputPath);
                j.ThumbnailPath = thumbnail;
            });
            log.LogInformation("Job {JobId} succeeded in {Seconds:0.00} s: {Frames} frames {Width}x{Height}, stages {StageSeconds}",
                job.Id, clock.Elapsed.TotalSeconds, result.Frames, result.Width, result.Height, JsonSerializer.Serialize(result.StageSeconds));
            await estimator.RefitAsync(CancellationToken.None);
        }
        catch (Exception e) when (stopping.IsCancellationRequested && e is OperationCanceledException)
        {
            interruptedByShutdown = true;
            log.LogWarning("Job {JobId} interrupted by shutdown after {Seconds:0.0} s; it runs again at the next start", job.Id, clock.Elapsed.TotalSeconds);
        }
        catch (Exception e) when (userCancel.IsCancellationRequested)
        {
            log.LogInformation("Job {JobId} cancelled by the user after {Seconds:0.0} s ({Error})", job.Id, clock.Elapsed.TotalSeconds, e.GetType().Name);
            await FinishAsync(job.Id, j =>
            {
                j.Status = JobStatus.Cancelled;
                j.ErrorCode = EngineErrorCodes.Cancelled;
                j.ErrorMessage = "Cancelled while running.";
            });
        }
        catch (Exception e) when (watchdog.IsCancellationRequested)
        {
            var message = $"Stopped by the watchdog after {clock.Elapsed.TotalSeconds:0} s: the limit for this job is {limit.TotalSeconds:0} s " +
                $"(max of {options.Value.WatchdogMultiplier:0.##} x the {job.EstimatedSeconds:0} s estimate and {options.Value.WatchdogMinimumSeconds:0} s; " +
                "settings Jobs:WatchdogMultiplier and Jobs:WatchdogMinimumSeconds).";
            log.LogWarning("Job {JobId} failed: {Message} ({Error})", job.Id, message, e.GetType().Name);
            await FinishAsync(job.Id, j => { j.Status = JobStatus.Failed; j.ErrorCode = WatchdogCode; j.ErrorMessage = message; });
        }
        catch (SonicEngineException e)
        {
            log.LogWarning("Job {JobId} failed with {Code}: {Message}", job.Id, e.Code, e.Message);
            await FinishAsync(job.Id, j => { j.Status = JobStatus.Failed; j.ErrorCode = e.Code; j.ErrorMessage = e.Message; });
        }
        catch (Exception e)
        {
            log.LogError(e, "Job {JobId} failed unexpectedly", job.Id);
            await FinishAsync(job.Id, j =>
            {
                j.Status = JobStatus.Failed;
                j.ErrorCode = EngineErrorCodes.Internal;
                j.ErrorMessage = "Generation failed unexpectedly: " + e.Message;
            });
        }
        finally
        {
            signals.UnregisterRunning(job.Id);
            notifier.ForgetPreview(job.Id);
        }

        if (interruptedByShutdown) return;
        var view = await queries.GetAsync(job.Id, CancellationToken.None);
        if (view is not null) await notifier.StatusAsync(view);
        signals.MarkFinished(job.Id);
        if (job.BatchId is { } batchId) await batches.JobSettledAsync(batchId, CancellationToken.None); // one message per batch, when its last job ends
        else if (view?.Status is JobStatus.Succeeded or JobStatus.Failed)
            await userNotifications.JobFinishedAsync(job.Id, CancellationToken.None);
    }

    private async Task FinishAsync(string jobId, Action<Job> update)
    {
        await using var context = await db.CreateDbContextAsync(CancellationToken.None);
        var job = await context.Jobs.FirstOrDefaultAsync(j => j.Id == jobId, CancellationToken.None);
        if (job is null) return; // deleted while running
        update(job);
        job.FinishedAt = DateTime.UtcNow;
        if (job.Status != JobStatus.Succeeded)
        {
            if (File.Exists(paths.Video(jobId))) File.Delete(paths.Video(jobId)); // the encoder removes partial files; this makes sure
        }
        await context.SaveChangesAsync(CancellationToken.None);
    }
}
