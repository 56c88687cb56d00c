using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Pipeline;

namespace SonicWeb.Engine.Backends.ComfyUI;

/// <summary>
/// One job's life on a ComfyUI host: upload the photo and the recording, queue the workflow with our
/// client id, follow /ws until the prompt ends, and return its /history entry. Progress becomes
/// SonicWeb's stages (the node running names the stage), frames done of total (the sampler's
/// value/max scaled to the video's frames) and preview JPEGs (the binary preview frames, throttled).
/// A dropped socket is reconnected with the same client id and reconciled from /history and /queue;
/// a prompt the host no longer knows (ComfyUI restarted) is submitted once more, then the job fails.
/// Cancellation removes a waiting prompt from the queue, or interrupts it when it is the one running.
/// </summary>
internal sealed class ComfyUIPromptRun(ComfyUIClient client, ComfyUIOptions options, int framesTotal, EngineOptions engine,
    IProgress<GenerationProgress>? progress, Stopwatch clock)
{
    private const int MaxSubmissions = 2;
    private readonly Stopwatch _sincePreview = new();
    private GenerationStage _stage = GenerationStage.Loading;
    private int _framesDone;
    private Dictionary<string, string> _nodeClasses = [];
    /// <summary>Our prompt has started on the host (set by the socket loop, read by the queue watcher).</summary>
    private volatile bool _started;

    /// <summary>How many times the socket was reconnected (for the log and the tests).</summary>
    public int Reconnects { get; private set; }

    public async Task<ComfyUIHistory> RunAsync(string imagePath, string audioPath, string jobTag, Func<string, string, string, JsonObject> workflowFor, CancellationToken ct)
    {
        for (int submission = 1; ; submission++)
        {
            Report(GenerationStage.Loading, null);
            var image = await client.UploadInputAsync(imagePath, $"sonicweb-{jobTag}-photo{Path.GetExtension(imagePath)}", ct);
            var audio = await client.UploadInputAsync(audioPath, $"sonicweb-{jobTag}-voice{Path.GetExtension(audioPath)}", ct);
            var workflow = workflowFor(image, audio, $"sonicweb/{jobTag}");
            _nodeClasses = SonicWorkflow.NodeClasses(workflow);
            var clientId = "sonicweb-" + Guid.NewGuid().ToString("N");
            WebSocket socket = await client.ConnectSocketAsync(clientId, ct);
            try
            {
                var promptId = await client.QueuePromptAsync(workflow, clientId, ct);
                try
                {
                    var (history, lastSocket) = await FollowAsync(socket, clientId, promptId, ct);
                    socket = lastSocket;
                    if (history != null) return history;
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    await CancelRemoteAsync(promptId);
                    throw;
                }
            }
            finally { socket.Dispose(); }
            if (submission >= MaxSubmissions)
                throw new SonicEngineException(EngineErrorCodes.RemoteFailed,
                    $"The ComfyUI host {client.BaseUrl} lost the job twice (it restarted while the job ran); SonicWeb submitted it {MaxSubmissions} times and gives up.");
        }
    }

    /// <summary>The prompt's finished history entry, or null when the host forgot the prompt (restart).</summary>
    private async Task<(ComfyUIHistory? History, WebSocket Socket)> FollowAsync(WebSocket socket, string clientId, string promptId, CancellationToken ct)
    {
        _started = false;
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var watcher = WatchQueueAsync(promptId, watching.Token);
        try { return await FollowSocketAsync(socket, clientId, promptId, ct); }
        finally
        {
            _started = true;
            await watching.CancelAsync();
            await watcher;
        }
    }

    /// <summary>
    /// While our prompt waits behind other users' prompts on the host, its place in ComfyUI's queue becomes the
    /// job's stage: "waiting on GPU host: 2 ahead" (GET /queue every QueuePollSeconds; a failed poll is skipped).
    /// </summary>
    private async Task WatchQueueAsync(string promptId, CancellationToken ct)
    {
        int? shown = null;
        while (!_started && !ct.IsCancellationRequested)
        {
            try
            {
                var ahead = (await client.GetQueueAsync(ct)).Ahead(promptId);
                if (ahead is { } n and > 0 && n != shown && !_started)
                {
                    shown = n;
                    progress?.Report(new GenerationProgress(GenerationStage.Loading, 0, framesTotal, clock.Elapsed, null, null)
                        { StageDetail = $"waiting on GPU host: {n} ahead" });
                }
                await Task.Delay(TimeSpan.FromSeconds(options.QueuePollSeconds), ct);
            }
            catch (OperationCanceledException) { return; }
            catch (Exception e) when (e is not OperationCanceledException) { } // best effort: the socket loop deals with a host that is gone
        }
    }

    private async Task<(ComfyUIHistory? History, WebSocket Socket)> FollowSocketAsync(WebSocket socket, string clientId, string promptId, CancellationToken ct)
    {
        bool started = false;
        while (true)
        {
            ComfyUIEvent? e;
            try { e = await ComfyUISocket.ReceiveAsync(socket, ct); }
            catch (Exception x) when (x is WebSocketException || (x is OperationCanceledException && !ct.IsCancellationRequested)) { e = null; }
            if (e is null)
            {
                socket.Dispose();
                socket = await ReconnectAsync(clientId, ct);
                var reconciled = await ReconcileAsync(promptId, ct);
                if (reconciled.Finished is { } finished) return (Check(finished), socket);
                if (reconciled.Lost) return (null, socket);
                continue;
            }
            switch (e)
            {
                case ExecutionStartEvent s when s.PromptId == promptId:
                    started = _started = true;
                    Report(GenerationStage.AnalyzingFace, null);
                    break;
                case ExecutingEvent x when x.PromptId == promptId || (x.PromptId is null && started):
                    if (x.Node is null) return (Check(await FinishedHistoryAsync(promptId, ct)), socket);
                    started = _started = true;
                    Report(StageOf(x.Node), null);
                    break;
                case ProgressEvent p when (p.PromptId == promptId || (p.PromptId is null && started)) && p.Max > 0:
                    if (StageOf(p.Node) == GenerationStage.Rendering || _stage == GenerationStage.Rendering)
                    {
                        _stage = GenerationStage.Rendering;
                        _framesDone = Math.Min(framesTotal, (int)Math.Round((double)p.Value / p.Max * framesTotal));
                    }
                    Report(_stage, null);
                    break;
                case PreviewEvent preview when started:
                    if (!_sincePreview.IsRunning || _sincePreview.Elapsed >= engine.PreviewInterval)
                    {
                        var jpeg = ImageEncoder.JpegFromEncoded(preview.Image, 80, engine.PreviewMaxSide);
                        if (jpeg != null) { _sincePreview.Restart(); Report(_stage, jpeg); }
                    }
                    break;
                case ExecutionSuccessEvent s when s.PromptId == promptId:
                    return (Check(await FinishedHistoryAsync(promptId, ct)), socket);
                case ExecutionErrorEvent err when err.PromptId == promptId:
                    throw Failure(err);
                case ExecutionInterruptedEvent i when i.PromptId == promptId:
                    ct.ThrowIfCancellationRequested();
                    throw new SonicEngineException(EngineErrorCodes.RemoteFailed, $"The job was interrupted on the ComfyUI host {client.BaseUrl} (by someone else or the host).");
            }
        }
    }

    private async Task<WebSocket> ReconnectAsync(string clientId, CancellationToken ct)
    {
        var giveUp = Stopwatch.StartNew();
        while (true)
        {
            await Task.Delay(TimeSpan.FromSeconds(options.ReconnectDelaySeconds), ct);
            try
            {
                var socket = await client.ConnectSocketAsync(clientId, ct);
                Reconnects++;
                return socket;
            }
            catch (SonicEngineException) when (giveUp.Elapsed.TotalSeconds < options.ReconnectGiveUpSeconds) { }
            catch (SonicEngineException e)
            {
                throw new SonicEngineException(EngineErrorCodes.BackendUnavailable,
                    $"Lost the connection to the ComfyUI host {client.BaseUrl} and could not reconnect within {options.ReconnectGiveUpSeconds:0} s (Backends:ComfyUI:ReconnectGiveUpSeconds): {e.Message}", e);
            }
        }
    }

    /// <summary>After a reconnect: finished (history), still queued or running (go on), or lost (neither).</summary>
    private async Task<(ComfyUIHistory? Finished, bool Lost)> ReconcileAsync(string promptId, CancellationToken ct)
    {
        var history = await client.GetHistoryAsync(promptId, ct);
        if (history is { Completed: true } || history?.Error != null || history?.Interrupted == true) return (history, false);
        var queue = await client.GetQueueAsync(ct);
        if (queue.Running.Contains(promptId) || queue.Pending.Contains(promptId)) return (null, false);
        // The prompt may have ended between the two calls.
        history = await client.GetHistoryAsync(promptId, ct);
        return history != null ? (history, false) : (null, true);
    }

    /// <summary>ComfyUI writes the history entry just after it announces the end: ask a few times.</summary>
    private async Task<ComfyUIHistory> FinishedHistoryAsync(string promptId, CancellationToken ct)
    {
        for (int attempt = 0; ; attempt++)
        {
            var history = await client.GetHistoryAsync(promptId, ct);
            if (history != null && (history.Completed || history.Error != null || history.Interrupted || attempt >= 20)) return history;
            if (attempt >= 20)
                throw new SonicEngineException(EngineErrorCodes.RemoteFailed, $"The ComfyUI host {client.BaseUrl} finished the job but has no history for it.");
            await Task.Delay(250, ct);
        }
    }

    private ComfyUIHistory Check(ComfyUIHistory history)
    {
        if (history.Error is { } error) throw Failure(error);
        if (history.Interrupted)
            throw new SonicEngineException(EngineErrorCodes.RemoteFailed, $"The job was interrupted on the ComfyUI host {client.BaseUrl}.");
        if (history.Video is null)
            throw new SonicEngineException(EngineErrorCodes.RemoteFailed,
                $"The ComfyUI workflow finished on {client.BaseUrl} without saving a video (status '{history.Status}'); the template needs an output node such as SaveVideo.");
        return history;
    }

    private SonicEngineException Failure(ExecutionErrorEvent error)
    {
        bool oom = error.ExceptionType.Contains("OutOfMemory", StringComparison.OrdinalIgnoreCase)
            || error.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase);
        return oom
            ? new SonicEngineException(EngineErrorCodes.OutOfGpuMemory,
                $"The GPU on {client.BaseUrl} ran out of memory in {error.NodeType} ({error.Message.Trim()}). Try a lower min_resolution or a shorter recording.")
            : new SonicEngineException(EngineErrorCodes.RemoteFailed,
                $"ComfyUI failed in {error.NodeType} on {client.BaseUrl}: {error.ExceptionType}: {error.Message.Trim()}");
    }

    /// <summary>Our prompt only: deleted while it waits, interrupted while it runs, left alone otherwise.</summary>
    private async Task CancelRemoteAsync(string promptId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(options.RequestTimeoutSeconds));
        try
        {
            var queue = await client.GetQueueAsync(timeout.Token);
            if (queue.Pending.Contains(promptId)) await client.DeleteQueuedAsync(promptId, timeout.Token);
            else if (queue.Running.Contains(promptId)) await client.InterruptAsync(promptId, timeout.Token);
        }
        catch (Exception e) when (e is SonicEngineException or OperationCanceledException) { } // the host is gone: nothing left to stop
    }

    private GenerationStage StageOf(string? node) => node is not null && _nodeClasses.TryGetValue(node, out var cls) ? cls switch
    {
        "SONIC_PreData" => GenerationStage.AnalyzingAudio,
        "SONICSampler" => GenerationStage.Rendering,
        "CreateVideo" or "SaveVideo" or "VHS_VideoCombine" => GenerationStage.Finalizing,
        _ => _stage,
    } : _stage;

    private void Report(GenerationStage stage, byte[]? preview)
    {
        if (stage > _stage || stage == GenerationStage.Loading) _stage = stage;
        if (_stage == GenerationStage.Finalizing) _framesDone = framesTotal;
        var elapsed = clock.Elapsed;
        TimeSpan? remaining = _framesDone > 0 && _framesDone < framesTotal ? TimeSpan.FromSeconds(elapsed.TotalSeconds / _framesDone * (framesTotal - _framesDone)) : null;
        progress?.Report(new GenerationProgress(_stage, _framesDone, framesTotal, elapsed, remaining, preview));
    }
}
