using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SonicWeb.Data;
using SonicWeb.Engine.Errors;
using SonicWeb.Errors;
using SonicWeb.Hosting;
using SonicWeb.Jobs;
using SonicWeb.Jobs.Lifecycle;
using SonicWeb.Jobs.Submission;
using SonicWeb.Jobs.Transport;
using SonicWeb.Storage;

namespace SonicWeb.Batches;

/// <summary>
/// Creates a batch all or nothing (<see cref="SubmitBatch"/>). Every pair goes through the single job's
/// submission (<see cref="JobSubmission"/>: content types, parameters, face, audio limits) with the job
/// created <see cref="JobStatus.Held"/>; only when every pair passed are the jobs released to the queue
/// together, else all of them are removed and one refusal names every bad file. A batch that was never
/// released (the app stopped half-way) is removed at the next start (<see cref="RemoveUnreleasedAsync"/>).
/// </summary>
public sealed class BatchService(
    JobSubmission submission,
    JobLifecycle lifecycle,
    BatchQueries queries,
    BatchCompletion completion,
    IJobQueue queue,
    IDbContextFactory<SonicDbContext> db,
    IOptions<BatchOptions> options,
    IOptions<StorageOptions> storage,
    Security.JobCapacity capacity,
    ILogger<BatchService> log)
{
    public const string InvalidBatchCode = "invalid_batch";

    public async Task<BatchView> SubmitAsync(SubmitBatch c, CancellationToken ct)
    {
        if (c.PreviewFirst)
            throw new InputRejectedException(EngineErrorCodes.InvalidParameter, "preview_first is not available for batches; try one pair as a single job first.");

        var items = await BatchPlanner.PlanAsync(c, options.Value, storage.Value.MaxUploadBytes, ct);
        await capacity.EnsureRoomAsync(c.Owner.UserId, items.Count, ct);
        var batch = new Batch
        {
            Name = BatchName(c, items),
            OwnerId = c.Owner.UserId,
            Submitter = c.Owner.DisplayName,
            JobCount = items.Count,
        };
        await using (var context = await db.CreateDbContextAsync(ct))
        {
            context.Batches.Add(batch);
            await context.SaveChangesAsync(ct);
        }

        var uses = items.SelectMany(i => new[] { i.Image.Path, i.Audio.Path }).GroupBy(p => p).ToDictionary(g => g.Key, g => g.Count());
        var errors = new Dictionary<string, string[]>();
        var problems = new List<Exception>();
        var jobIds = new List<string>();
        bool released = false;
        try
        {
            for (int i = 0; i < items.Count; i++)
            {
                var item = items[i];
                var folder = Path.Combine(c.Folder, $"item-{i}");
                Directory.CreateDirectory(folder);
                try
                {
                    var job = await submission.SubmitAsync(new SubmitJob(
                        Take(item.Image, folder, "image", uses), Take(item.Audio, folder, "audio", uses), c.Parameters, c.Owner,
                        Name: item.Name, Backend: c.Backend, BatchId: batch.Id, Hold: true), ct);
                    jobIds.Add(job.Id);
                }
                catch (Exception e) when (e is InputRejectedException or SonicEngineException)
                {
                    var key = errors.ContainsKey(item.Label) ? $"{item.Label} (#{i + 1})" : item.Label;
                    errors[key] = [$"{item.Label}: {(e is SonicEngineException engine ? EngineSettingNames.Describe(engine) : e.Message)}"];
                    problems.Add(e);
                }
                finally { StoragePaths.DeleteQuietly(folder); }
            }
            if (problems.Count > 0) throw Refusal(problems, items.Count, errors);
            await ReleaseAsync(batch.Id);
            released = true;
        }
        finally
        {
            if (!released) await RemoveAsync(batch.Id);
        }

        foreach (var id in jobIds) queue.Enqueue(id);
        log.LogInformation("Batch {BatchId} '{Name}' queued with {Count} jobs by {Submitter}", batch.Id, batch.Name, items.Count, c.Owner.DisplayName);
        await completion.JobSettledAsync(batch.Id, CancellationToken.None); // every pair may have reused an earlier video
        return (await queries.GetAsync(batch.Id, CancellationToken.None))!;
    }

    /// <summary>
    /// One refusal for the whole batch: the failures' code and kind when they agree (so a batch of photos
    /// without faces is refused like one such photo), else invalid_batch.
    /// </summary>
    private static Exception Refusal(List<Exception> problems, int pairs, Dictionary<string, string[]> errors)
    {
        var message = $"{problems.Count} of {pairs} pairs cannot be used, so no job was made. " + string.Join(" ", errors.Values.SelectMany(v => v));
        var codes = problems.Select(p => p is InputRejectedException input ? input.Code : ((SonicEngineException)p).Code).Distinct().ToList();
        if (problems.All(p => p is SonicEngineException) && codes.Count == 1) return new SonicEngineException(codes[0], message);
        var kinds = problems.Select(p => p is InputRejectedException input ? input.Problem : (InputProblem?)null).Distinct().ToList();
        return new InputRejectedException(codes.Count == 1 ? codes[0] : InvalidBatchCode, message, errors,
            kinds.Count == 1 && kinds[0] is { } kind ? kind : InputProblem.Invalid);
    }

    /// <summary>The held jobs join the queue (keeping the order and times they were submitted in) and the batch counts as released, in one transaction.</summary>
    private async Task ReleaseAsync(string batchId)
    {
        await using var context = await db.CreateDbContextAsync(CancellationToken.None);
        await using var transaction = await context.Database.BeginTransactionAsync(CancellationToken.None);
        await context.Jobs.Where(j => j.BatchId == batchId && j.Status == JobStatus.Held)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Queued), CancellationToken.None);
        var now = DateTime.UtcNow;
        await context.Batches.Where(b => b.Id == batchId).ExecuteUpdateAsync(s => s.SetProperty(b => b.ReleasedAt, now), CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
    }

    /// <summary>Removes a batch that was not released, with its jobs and their files.</summary>
    private async Task RemoveAsync(string batchId)
    {
        List<string> ids;
        await using (var context = await db.CreateDbContextAsync(CancellationToken.None))
            ids = await context.Jobs.Where(j => j.BatchId == batchId).Select(j => j.Id).ToListAsync(CancellationToken.None);
        foreach (var id in ids) await lifecycle.RemoveAsync(id, CancellationToken.None);
        await using (var context = await db.CreateDbContextAsync(CancellationToken.None))
            await context.Batches.Where(b => b.Id == batchId).ExecuteDeleteAsync(CancellationToken.None);
        log.LogInformation("Batch {BatchId} not created: {Count} held job(s) removed", batchId, ids.Count);
    }

    /// <summary>At start: batches whose request ended before they were released (the app stopped) are removed.</summary>
    public async Task RemoveUnreleasedAsync(CancellationToken ct)
    {
        List<string> ids;
        await using (var context = await db.CreateDbContextAsync(ct))
            ids = await context.Batches.Where(b => b.ReleasedAt == null).Select(b => b.Id).ToListAsync(ct);
        foreach (var id in ids) await RemoveAsync(id);
    }

    /// <summary>The pair's own copy of a file: moved on its last use, copied before (one portrait serves many recordings).</summary>
    private static UploadedFile Take(UploadedFile file, string folder, string field, Dictionary<string, int> uses)
    {
        var target = Path.Combine(folder, field + ".upload");
        if (--uses[file.Path] == 0) File.Move(file.Path, target);
        else File.Copy(file.Path, target);
        return file with { Field = field, Path = target };
    }

    private static string BatchName(SubmitBatch c, IReadOnlyList<BatchItem> items)
    {
        var given = c.Name?.Trim();
        if (!string.IsNullOrEmpty(given)) return given.Length > 200 ? given[..200] : new string(given.Where(ch => !char.IsControl(ch)).ToArray());
        if (c.Archive is { } zip && Path.GetFileNameWithoutExtension(zip.OriginalName) is { Length: > 0 } stem) return stem;
        return $"{Path.GetFileNameWithoutExtension(items[0].Image.OriginalName)} × {items.Count} recordings";
    }
}
