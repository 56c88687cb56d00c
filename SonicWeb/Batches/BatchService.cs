using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SonicWeb.Api;
using SonicWeb.Data;
using SonicWeb.Engine.Errors;
using SonicWeb.Jobs;
using SonicWeb.Presets;
using SonicWeb.Storage;

namespace SonicWeb.Batches;

/// <summary>
/// Creates a batch all or nothing. Every pair goes through the single job's submit
/// (<see cref="JobService.SubmitAsync"/>: content types, parameters, face, audio limits) with the job
/// created on hold; only when every pair passed are the jobs released to the queue together, else all
/// of them are removed and one answer names every bad file. A batch that was never released (the app
/// stopped half-way) is removed at the next start (<see cref="RemoveUnreleasedAsync"/>).
/// </summary>
public sealed class BatchService(
    JobService jobs,
    PresetService presets,
    BatchQueries queries,
    BatchCompletion completion,
    JobSignals signals,
    IDbContextFactory<SonicDbContext> db,
    IOptions<BatchOptions> options,
    IOptions<StorageOptions> storage,
    IOptions<JobOptions> jobOptions,
    ILogger<BatchService> log)
{
    public const string InvalidBatchCode = "invalid_batch";

    public async Task<BatchView> SubmitAsync(BatchUpload upload, JobOwner owner, CancellationToken ct)
    {
        // Once for the whole batch, so a typo in a parameter is reported once rather than per pair.
        await presets.ApplyAsync(upload.Fields, ct);
        upload.Fields.Remove(PresetService.Field);
        ParameterBinder.Bind(upload.Fields);
        if (SubmitOptions.From(upload.Fields).PreviewFirst)
            throw new ApiProblemException(400, EngineErrorCodes.InvalidParameter, "preview_first is not available for batches; try one pair as a single job first.");

        var items = await BatchPlanner.PlanAsync(upload, options.Value, storage.Value.MaxUploadBytes, ct);
        var batch = new Batch
        {
            Name = BatchName(upload, items),
            OwnerId = owner.UserId,
            Submitter = owner.DisplayName,
            JobCount = items.Count,
        };
        await using (var context = await db.CreateDbContextAsync(ct))
        {
            context.Batches.Add(batch);
            await context.SaveChangesAsync(ct);
        }

        var uses = items.SelectMany(i => new[] { i.Image.Path, i.Audio.Path }).GroupBy(p => p).ToDictionary(g => g.Key, g => g.Count());
        var errors = new Dictionary<string, string[]>();
        var problems = new List<ApiProblemException>();
        bool released = false;
        try
        {
            for (int i = 0; i < items.Count; i++)
            {
                var item = items[i];
                var folder = Path.Combine(upload.Folder, $"item-{i}");
                Directory.CreateDirectory(folder);
                await using var form = new UploadForm(folder);
                foreach (var (key, value) in upload.Fields) form.Fields[key] = value;
                form.Fields["name"] = item.Name;
                form.Files[JobService.ImageField] = Take(item.Image, folder, JobService.ImageField, uses);
                form.Files[JobService.AudioField] = Take(item.Audio, folder, JobService.AudioField, uses);
                try { await jobs.SubmitAsync(form, ct, owner, new SubmitContext(batch.Id, Hold: true)); }
                catch (ApiProblemException p)
                {
                    var key = errors.ContainsKey(item.Label) ? $"{item.Label} (#{i + 1})" : item.Label;
                    errors[key] = [$"{item.Label}: {p.Message}"];
                    problems.Add(p);
                }
            }
            if (problems.Count > 0)
            {
                var status = problems.Select(p => p.Status).Distinct().Count() == 1 ? problems[0].Status : 400;
                var code = problems.Select(p => p.Code).Distinct().Count() == 1 ? problems[0].Code : InvalidBatchCode;
                throw new ApiProblemException(status, code,
                    $"{problems.Count} of {items.Count} pairs cannot be used, so no job was made. " + string.Join(" ", errors.Values.SelectMany(v => v)), errors);
            }
            await ReleaseAsync(batch.Id);
            released = true;
        }
        finally
        {
            if (!released) await RemoveAsync(batch.Id);
        }

        for (int i = 0; i < Math.Min(items.Count, jobOptions.Value.Slots); i++) signals.WakeWorkers();
        log.LogInformation("Batch {BatchId} '{Name}' queued with {Count} jobs by {Submitter}", batch.Id, batch.Name, items.Count, owner.DisplayName);
        await completion.JobSettledAsync(batch.Id, CancellationToken.None); // every pair may have reused an earlier video
        return (await queries.GetAsync(batch.Id, CancellationToken.None))!;
    }

    /// <summary>The held jobs join the queue (keeping the order and times they were submitted in) and the batch counts as released, in one transaction.</summary>
    private async Task ReleaseAsync(string batchId)
    {
        await using var context = await db.CreateDbContextAsync(CancellationToken.None);
        await using var transaction = await context.Database.BeginTransactionAsync(CancellationToken.None);
        await context.Jobs.Where(j => j.BatchId == batchId && j.Status == JobStatus.AwaitingConfirmation)
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
        foreach (var id in ids) await jobs.DeleteAsync(id, CancellationToken.None);
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

    private static string BatchName(BatchUpload upload, IReadOnlyList<BatchItem> items)
    {
        var given = upload.Fields.GetValueOrDefault("name")?.Trim();
        if (!string.IsNullOrEmpty(given)) return given.Length > 200 ? given[..200] : new string(given.Where(c => !char.IsControl(c)).ToArray());
        if (upload.Archive is { } zip && Path.GetFileNameWithoutExtension(zip.OriginalName) is { Length: > 0 } stem) return stem;
        return $"{Path.GetFileNameWithoutExtension(items[0].Image.OriginalName)} × {items.Count} recordings";
    }
}
