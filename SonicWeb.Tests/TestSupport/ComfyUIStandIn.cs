using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SonicWeb.Tests.TestSupport;

/// <summary>
/// A ComfyUI server for tests, on a real loopback port: the routes, JSON shapes and WebSocket messages
/// of comfyanonymous/ComfyUI (server.py: /system_stats, /upload/image, /prompt with client_id, /queue
/// GET and {"delete": [...]}, /interrupt, /history/{prompt_id}, /view, /ws?clientId=; execution.py: the
/// status / execution_start / executing / progress / executed / execution_success / execution_error /
/// execution_interrupted messages; binary preview frames = 4-byte big-endian event type 1, 4-byte
/// image format (1 JPEG, 2 PNG), image bytes). It "runs Sonic" by checking that the prompt has the
/// ComfyUI_Sonic nodes, sending one progress message and one preview per inference step, and writing a
/// real MP4 of the photo with ffmpeg (no audio, like a bare SaveVideo) into its output folder.
/// One prompt runs at a time, like ComfyUI.
/// </summary>
public sealed class ComfyUIStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _root = Directory.CreateTempSubdirectory("comfyui-standin-").FullName;
    private readonly ConcurrentDictionary<string, WebSocket> _sockets = new();
    private readonly List<Prompt> _pending = [];
    private readonly Dictionary<string, JsonObject> _history = [];
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly object _lock = new();
    private Prompt? _running;
    private readonly Task _worker;

    public ComfyUIStandIn()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Use(async (context, next) =>
        {
            if (DateTime.UtcNow < _downUntil) { context.Response.StatusCode = 503; return; } // restarting
            await next();
        });
        _app.UseWebSockets();
        Map(_app);
        _app.StartAsync().GetAwaiter().GetResult();
        Url = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Directory.CreateDirectory(Path.Combine(_root, "input"));
        Directory.CreateDirectory(Path.Combine(_root, "output"));
        _worker = Task.Run(WorkAsync);
    }

    public string Url { get; }

    /// <summary>Time per inference step (the sampler's progress and preview come once per step).</summary>
    public TimeSpan StepDelay { get; set; } = TimeSpan.FromMilliseconds(30);

    /// <summary>
    /// A simulated GPU of known speed: when set, the sampler takes OverheadSeconds + SecondsPerWorkUnit x work,
    /// work = duration x (min_resolution/512)^2 x (inference_steps/20) (the cost model's unit), spread evenly
    /// over the steps instead of <see cref="StepDelay"/>. Deterministic, so a test can check what the estimator learns.
    /// </summary>
    public (double OverheadSeconds, double SecondsPerWorkUnit)? SimulatedGpu { get; set; }

    /// <summary>Free GPU memory /system_stats reports (the total is 24 GB).</summary>
    public long FreeVram { get; set; } = 20L << 30;

    /// <summary>When set, the sampler fails with this exception message (e.g. a CUDA out-of-memory).</summary>
    public string? FailSamplerWith { get; set; }

    /// <summary>Aborts the client's socket once, after this many steps (a dropped connection); the prompt runs on.</summary>
    public int? DropSocketAfterStep { get; set; }

    /// <summary>
    /// Simulates a ComfyUI restart once, after this many steps: every socket drops, the server answers 503
    /// for a second, and it comes back with an empty queue and history (the running prompt is forgotten).
    /// </summary>
    public int? RestartAfterStep { get; set; }

    public int Restarts;
    private DateTime _downUntil = DateTime.MinValue;

    /// <summary>While closed, no prompt starts (a busy GPU): prompts wait in the queue.</summary>
    public TaskCompletionSource Gate { get; private set; } = Open();

    public void CloseGate() => Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<JsonObject> Prompts { get; } = [];
    public List<string> Deleted { get; } = [];
    /// <summary>Where each file sent to /upload/image was stored, in order (gone after DisposeAsync).</summary>
    public List<string> Uploads { get; } = [];
    public int Interrupts;
    public int ProgressMessagesSent;
    public int PreviewsSent;
    public int SocketsDropped;

    public IReadOnlyList<string> PendingIds { get { lock (_lock) return _pending.Select(p => p.Id).ToList(); } }
    public string? RunningId { get { lock (_lock) return _running?.Id; } }
    public int StepsDone { get { lock (_lock) return _running?.Step ?? 0; } }

    /// <summary>Queues a prompt from another ComfyUI user (it runs before ours until the gate opens).</summary>
    public string QueueForeignPrompt()
    {
        var prompt = new Prompt(Guid.NewGuid().ToString(), "someone-else", new JsonObject(), Foreign: true);
        lock (_lock) _pending.Add(prompt);
        _wake.Release();
        return prompt.Id;
    }

    private static TaskCompletionSource Open()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }

    private sealed record Prompt(string Id, string ClientId, JsonObject Graph, bool Foreign = false)
    {
        public int Step;
        public bool Interrupted;
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/system_stats", () => Results.Json(new
        {
            system = new { os = "posix", comfyui_version = "0.3-stand-in", python_version = "3.11", ram_total = 32L << 30, ram_free = 16L << 30 },
            devices = new[] { new { name = "cuda:0 Stand-in GPU 24GB", type = "cuda", index = 0, vram_total = 24L << 30, vram_free = FreeVram, torch_vram_total = 0, torch_vram_free = 0 } },
        }));
        app.MapPost("/upload/image", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var file = form.Files["image"];
            if (file is null) return Results.BadRequest();
            var name = Path.GetFileName(file.FileName);
            var path = Path.Combine(_root, "input", name);
            await using (var target = File.Create(path)) await file.CopyToAsync(target);
            lock (_lock) Uploads.Add(path);
            return Results.Json(new { name, subfolder = "", type = "input" });
        });
        app.MapPost("/prompt", async (HttpRequest request) =>
        {
            var body = (await JsonNode.ParseAsync(request.Body))!.AsObject();
            var graph = body["prompt"]!.AsObject();
            var classes = graph.Select(n => n.Value!["class_type"]!.GetValue<string>()).ToList();
            if (!classes.Contains("SONIC_PreData") || !classes.Contains("SONICSampler"))
                return Results.Json(new { error = new { type = "prompt_outputs_failed_validation", message = "Prompt outputs failed validation" }, node_errors = new { } }, statusCode: 400);
            var prompt = new Prompt(Guid.NewGuid().ToString(), body["client_id"]?.GetValue<string>() ?? "", graph);
            int number;
            lock (_lock) { Prompts.Add(graph); _pending.Add(prompt); number = Prompts.Count; }
            _wake.Release();
            return Results.Json(new { prompt_id = prompt.Id, number, node_errors = new { } });
        });
        app.MapGet("/queue", () =>
        {
            lock (_lock)
                return Results.Json(new
                {
                    queue_running = _running is null ? [] : new[] { new object[] { 0, _running.Id, new { }, new { }, Array.Empty<string>() } },
                    queue_pending = _pending.Select((p, i) => new object[] { i + 1, p.Id, new { }, new { }, Array.Empty<string>() }).ToArray(),
                });
        });
        app.MapPost("/queue", async (HttpRequest request) =>
        {
            var body = (await JsonNode.ParseAsync(request.Body))!.AsObject();
            lock (_lock)
                foreach (var id in body["delete"]?.AsArray().Select(n => n!.GetValue<string>()) ?? [])
                    if (_pending.RemoveAll(p => p.Id == id) > 0) Deleted.Add(id);
            return Results.Ok();
        });
        app.MapPost("/interrupt", () =>
        {
            Interlocked.Increment(ref Interrupts);
            lock (_lock) if (_running != null) _running.Interrupted = true;
            return Results.Ok();
        });
        app.MapGet("/history/{id}", (string id) =>
        {
            lock (_lock) return Results.Text((_history.TryGetValue(id, out var h) ? new JsonObject { [id] = h.DeepClone() } : new JsonObject()).ToJsonString(), "application/json");
        });
        app.MapGet("/view", (string filename, string? subfolder, string? type) =>
        {
            var path = Path.GetFullPath(Path.Combine(_root, type ?? "output", subfolder ?? "", filename));
            return path.StartsWith(_root, StringComparison.Ordinal) && File.Exists(path) ? Results.File(path, "video/mp4") : Results.NotFound();
        });
        app.Map("/ws", async (HttpContext http) =>
        {
            if (!http.WebSockets.IsWebSocketRequest) { http.Response.StatusCode = 400; return; }
            var clientId = http.Request.Query["clientId"].ToString();
            using var socket = await http.WebSockets.AcceptWebSocketAsync();
            _sockets[clientId] = socket;
            int remaining;
            lock (_lock) remaining = _pending.Count + (_running is null ? 0 : 1);
            await SendAsync(clientId, "status", new JsonObject { ["status"] = new JsonObject { ["exec_info"] = new JsonObject { ["queue_remaining"] = remaining } }, ["sid"] = clientId });
            var buffer = new byte[1024];
            try
            {
                while (socket.State == WebSocketState.Open)
                {
                    var r = await socket.ReceiveAsync(buffer, _stop.Token);
                    if (r.MessageType == WebSocketMessageType.Close) break;
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
            _sockets.TryRemove(new KeyValuePair<string, WebSocket>(clientId, socket));
        });
    }

    private async Task WorkAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try { await _wake.WaitAsync(TimeSpan.FromMilliseconds(100), _stop.Token); }
            catch (OperationCanceledException) { return; }
            Prompt? prompt;
            var gate = Gate.Task;
            lock (_lock)
            {
                if (_running != null || _pending.Count == 0) continue;
                if (!gate.IsCompleted && _pending.Count > 0) { continue; }
                prompt = _pending[0];
                _pending.RemoveAt(0);
                _running = prompt;
            }
            try { await RunAsync(prompt); }
            catch (Exception) when (_stop.IsCancellationRequested) { return; }
            finally { lock (_lock) _running = null; _wake.Release(); }
        }
    }

    private async Task RunAsync(Prompt prompt)
    {
        var id = prompt.Id;
        if (prompt.Foreign)
        {
            await Gate.Task.WaitAsync(_stop.Token);
            Record(id, new JsonObject(), "success", null);
            return;
        }
        await SendAsync(prompt.ClientId, "execution_start", new JsonObject { ["prompt_id"] = id, ["timestamp"] = 0 });
        string Node(string cls) => prompt.Graph.First(n => n.Value!["class_type"]!.GetValue<string>() == cls).Key;
        JsonObject Inputs(string cls) => prompt.Graph[Node(cls)]!["inputs"]!.AsObject();
        foreach (var (node, _) in prompt.Graph.Where(n => n.Value!["class_type"]!.GetValue<string>() is not ("SONICSampler" or "SaveVideo" or "CreateVideo")))
            await SendAsync(prompt.ClientId, "executing", new JsonObject { ["node"] = node, ["display_node"] = node, ["prompt_id"] = id });

        var sampler = Inputs("SONICSampler");
        var pre = Inputs("SONIC_PreData");
        var image = Path.Combine(_root, "input", prompt.Graph.First(n => n.Value!["class_type"]!.GetValue<string>() == "LoadImage").Value!["inputs"]!["image"]!.GetValue<string>());
        int steps = sampler["inference_steps"]!.GetValue<int>();
        var stepDelay = StepDelay;
        if (SimulatedGpu is var (overhead, perUnit))
        {
            double work = pre["duration"]!.GetValue<double>() * Math.Pow(pre["min_resolution"]!.GetValue<int>() / 512.0, 2) * (steps / 20.0);
            stepDelay = TimeSpan.FromSeconds((overhead + perUnit * work) / steps);
        }
        await SendAsync(prompt.ClientId, "executing", new JsonObject { ["node"] = Node("SONICSampler"), ["display_node"] = Node("SONICSampler"), ["prompt_id"] = id });
        var previewBytes = await File.ReadAllBytesAsync(image);
        int format = previewBytes.Length > 3 && previewBytes[0] == 0x89 ? 2 : 1;
        for (int step = 1; step <= steps; step++)
        {
            await Task.Delay(stepDelay, _stop.Token);
            if (prompt.Interrupted)
            {
                await SendAsync(prompt.ClientId, "execution_interrupted", new JsonObject { ["prompt_id"] = id, ["node_id"] = Node("SONICSampler"), ["node_type"] = "SONICSampler", ["executed"] = new JsonArray() });
                Record(id, new JsonObject(), "error", new JsonArray("execution_interrupted", new JsonObject { ["prompt_id"] = id }));
                return;
            }
            if (FailSamplerWith is { } failure && step == Math.Max(1, steps / 2))
            {
                var error = new JsonObject
                {
                    ["prompt_id"] = id, ["node_id"] = Node("SONICSampler"), ["node_type"] = "SONICSampler", ["executed"] = new JsonArray(),
                    ["exception_message"] = failure, ["exception_type"] = "torch.OutOfMemoryError", ["traceback"] = new JsonArray(), ["current_inputs"] = new JsonObject(), ["current_outputs"] = new JsonObject(),
                };
                await SendAsync(prompt.ClientId, "execution_error", error);
                Record(id, new JsonObject(), "error", new JsonArray("execution_error", error.DeepClone()));
                return;
            }
            lock (_lock) prompt.Step = step;
            await SendAsync(prompt.ClientId, "progress", new JsonObject { ["value"] = step, ["max"] = steps, ["prompt_id"] = id, ["node"] = Node("SONICSampler") });
            Interlocked.Increment(ref ProgressMessagesSent);
            await SendPreviewAsync(prompt.ClientId, format, previewBytes);
            if (RestartAfterStep == step)
            {
                RestartAfterStep = null;
                Interlocked.Increment(ref Restarts);
                _downUntil = DateTime.UtcNow.AddSeconds(1);
                lock (_lock) { _pending.Clear(); _history.Clear(); }
                foreach (var open in _sockets.Values) open.Abort();
                return;
            }
            if (DropSocketAfterStep == step && _sockets.TryGetValue(prompt.ClientId, out var s))
            {
                DropSocketAfterStep = null;
                Interlocked.Increment(ref SocketsDropped);
                s.Abort();
            }
        }

        // "SaveVideo": the photo as a video, at the resolution asked for and Sonic's own length rounding (to 0.1 s).
        int side = pre["min_resolution"]!.GetValue<int>();
        double duration = Math.Round(pre["duration"]!.GetValue<double>(), 1);
        var prefix = Inputs("SaveVideo")["filename_prefix"]!.GetValue<string>();
        var subfolder = Path.GetDirectoryName(prefix) ?? "";
        var filename = Path.GetFileName(prefix) + "_00001_.mp4";
        Directory.CreateDirectory(Path.Combine(_root, "output", subfolder));
        await SendAsync(prompt.ClientId, "executing", new JsonObject { ["node"] = Node("SaveVideo"), ["display_node"] = Node("SaveVideo"), ["prompt_id"] = id });
        await Task.Run(() => TestMedia.Run("ffmpeg", "-v", "error", "-y", "-loop", "1", "-i", image, "-t", duration.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-vf", $"scale={side}:{side},format=yuv420p", "-r", "25", "-c:v", "libx264", "-preset", "ultrafast", Path.Combine(_root, "output", subfolder, filename)));
        var output = new JsonObject { [Node("SaveVideo")] = new JsonObject { ["images"] = new JsonArray(new JsonObject { ["filename"] = filename, ["subfolder"] = subfolder, ["type"] = "output" }), ["animated"] = new JsonArray(true) } };
        Record(id, output, "success", null);
        await SendAsync(prompt.ClientId, "executed", new JsonObject { ["node"] = Node("SaveVideo"), ["display_node"] = Node("SaveVideo"), ["output"] = output[Node("SaveVideo")]!.DeepClone(), ["prompt_id"] = id });
        await SendAsync(prompt.ClientId, "executing", new JsonObject { ["node"] = null, ["prompt_id"] = id });
        await SendAsync(prompt.ClientId, "execution_success", new JsonObject { ["prompt_id"] = id, ["timestamp"] = 0 });
    }

    private void Record(string id, JsonObject outputs, string status, JsonArray? message)
    {
        var messages = new JsonArray();
        if (message != null) messages.Add(message);
        lock (_lock)
            _history[id] = new JsonObject
            {
                ["prompt"] = new JsonArray(), ["outputs"] = outputs,
                ["status"] = new JsonObject { ["status_str"] = status, ["completed"] = status == "success", ["messages"] = messages },
            };
    }

    private async Task SendAsync(string clientId, string type, JsonObject data)
    {
        if (!_sockets.TryGetValue(clientId, out var socket) || socket.State != WebSocketState.Open) return; // like ComfyUI: no socket, no message
        var bytes = Encoding.UTF8.GetBytes(new JsonObject { ["type"] = type, ["data"] = data }.ToJsonString());
        try { await socket.SendAsync(bytes, WebSocketMessageType.Text, true, _stop.Token); }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException) { }
    }

    private async Task SendPreviewAsync(string clientId, int format, byte[] image)
    {
        if (!_sockets.TryGetValue(clientId, out var socket) || socket.State != WebSocketState.Open) return;
        var frame = new byte[8 + image.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, 1);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4), format);
        image.CopyTo(frame, 8);
        try
        {
            await socket.SendAsync(frame, WebSocketMessageType.Binary, true, _stop.Token);
            Interlocked.Increment(ref PreviewsSent);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException) { }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        Gate.TrySetResult();
        foreach (var s in _sockets.Values) s.Abort();
        try { await _worker; } catch (Exception) { /* stopping */ }
        await _app.StopAsync();
        await _app.DisposeAsync();
        try { Directory.Delete(_root, true); } catch (IOException) { }
    }
}
