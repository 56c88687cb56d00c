using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using SonicWeb.Data;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Jobs.Transport;
using SonicWeb.Storage;

namespace SonicWeb.Jobs.Running;

/// <summary>
/// Receives a backend's progress events without ever blocking it, and on one consumer task (so
/// events stay in order) saves preview JPEGs to storage (where every web node serves them from),
/// publishes the events to watchers (<see cref="IJobEvents"/>) and writes the job row at most once a
/// second. While the renderer is faster than the watchers, intermediate frame counts are
/// dropped (the newest wins); stage changes are always delivered.
/// </summary>
public sealed class JobProgressSink : IProgress<GenerationProgress>, IAsyncDisposable
{
    private static readonly TimeSpan PushInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(1);

    private readonly Channel<GenerationProgress> _queue = Channel.CreateUnbounded<GenerationProgress>(new() { SingleReader = true });
    private readonly string _jobId;
    private readonly IJobEvents _events;
    private readonly IDbContextFactory<SonicDbContext> _db;
    private readonly StoragePaths _paths;
    private readonly ILogger _log;
    private readonly Task _consumer;
    private long _sequence;
    private int _previews;

    public JobProgressSink(string jobId, IJobEvents events, IDbContextFactory<SonicDbContext> db, StoragePaths paths, ILogger log)
    {
        _jobId = jobId;
        _events = events;
        _db = db;
        _paths = paths;
        _log = log;
        _consumer = Task.Run(ConsumeAsync);
    }

    /// <summary>The first preview: the history's thumbnail.</summary>
    public byte[]? FirstPreview { get; private set; }

    public void Report(GenerationProgress value) => _queue.Writer.TryWrite(value);

    private async Task ConsumeAsync()
    {
        DateTime lastSave = DateTime.MinValue;
        string? lastStage = null;
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            // Take everything waiting; keep stage changes and the newest event.
            var batch = new List<GenerationProgress>();
            while (reader.TryRead(out var e)) batch.Add(e);
            byte[]? preview = batch.LastOrDefault(e => e.PreviewJpeg != null)?.PreviewJpeg;
            FirstPreview ??= batch.FirstOrDefault(e => e.PreviewJpeg != null)?.PreviewJpeg;
            var toSend = new List<GenerationProgress>();
            bool stageChanged = false;
            foreach (var e in batch)
            {
                if (e.StageLabel != lastStage) { toSend.Add(e); lastStage = e.StageLabel; stageChanged = true; }
            }
            if (toSend.Count == 0 || !ReferenceEquals(toSend[^1], batch[^1])) toSend.Add(batch[^1]);

            string? previewUrl = null;
            if (preview != null) previewUrl = await SavePreviewAsync(preview);

            try
            {
                foreach (var e in toSend)
                {
                    var m = new JobProgressMessage(_jobId, e.StageLabel, e.FramesDone, e.FramesTotal,
                        Math.Round(e.Elapsed.TotalSeconds, 2), e.Remaining is { } r ? Math.Round(r.TotalSeconds, 1) : null,
                        previewUrl ?? (_previews > 0 ? PreviewUrl() : null), ++_sequence);
                    await _events.PublishAsync(new JobProgressed(m));
                }
                var last = toSend[^1];
                // A new stage is saved at once: a job that waits (e.g. on a GPU host's queue) may send nothing else for a while.
                if (DateTime.UtcNow - lastSave >= SaveInterval || toSend.Count > 1 || stageChanged)
                {
                    lastSave = DateTime.UtcNow;
                    await SaveRowAsync(last);
                }
            }
            catch (Exception ex) { _log.LogWarning(ex, "Progress update for job {JobId} failed", _jobId); }
            await Task.Delay(PushInterval);
        }
    }

    private string PreviewUrl() => $"/api/jobs/{_jobId}/preview?n={_previews}";

    private async Task<string> SavePreviewAsync(byte[] jpeg)
    {
        _previews++;
        try
        {
            var path = _paths.Preview(_jobId);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = path + ".tmp";
            await File.WriteAllBytesAsync(temp, jpeg);
            File.Move(temp, path, overwrite: true);
        }
        catch (IOException e) { _log.LogDebug(e, "Preview of job {JobId} not saved", _jobId); }
        return PreviewUrl();
    }

    private async Task SaveRowAsync(GenerationProgress e)
    {
        await using var context = await _db.CreateDbContextAsync();
        await context.Jobs.Where(j => j.Id == _jobId && j.Status == JobStatus.Running)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Stage, e.StageLabel)
                .SetProperty(j => j.FramesDone, e.FramesDone)
                .SetProperty(j => j.FramesTotal, e.FramesTotal));
    }

    /// <summary>Delivers what is still queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _consumer;
    }
}
