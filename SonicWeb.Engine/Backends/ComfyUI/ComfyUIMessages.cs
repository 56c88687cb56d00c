using System.Buffers.Binary;
using System.Text.Json;

namespace SonicWeb.Engine.Backends.ComfyUI;

// The shapes below follow ComfyUI's own server (comfyanonymous/ComfyUI, server.py and execution.py):
// JSON messages {"type": ..., "data": {...}} on /ws?clientId=..., and binary frames that start with a
// 4-byte big-endian event type (1 = preview image) followed, for previews, by a 4-byte big-endian image
// format (1 = JPEG, 2 = PNG) and the encoded image.

/// <summary>Something the ComfyUI server told us on the WebSocket.</summary>
public abstract record ComfyUIEvent
{
    public const int BinaryPreviewImage = 1;
    public const int PreviewFormatJpeg = 1;
    public const int PreviewFormatPng = 2;

    /// <summary>Reads a text message; unknown types come back as <see cref="OtherEvent"/>.</summary>
    public static ComfyUIEvent ParseText(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        string type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
        var data = root.TryGetProperty("data", out var d) ? d : default;
        string? prompt = Text(data, "prompt_id");
        return type switch
        {
            "status" => new QueueStatusEvent(QueueRemaining(data)),
            "execution_start" => new ExecutionStartEvent(prompt),
            "executing" => new ExecutingEvent(prompt, Text(data, "node")),
            "progress" => new ProgressEvent(prompt, Text(data, "node"), Int(data, "value"), Int(data, "max")),
            "executed" => new ExecutedEvent(prompt, Text(data, "node")),
            "execution_success" => new ExecutionSuccessEvent(prompt),
            "execution_error" => new ExecutionErrorEvent(prompt, Text(data, "node_type") ?? "", Text(data, "exception_type") ?? "", Text(data, "exception_message") ?? ""),
            "execution_interrupted" => new ExecutionInterruptedEvent(prompt),
            _ => new OtherEvent(type),
        };
    }

    /// <summary>Reads a binary frame: a preview image, or null for binary events we do not use.</summary>
    public static PreviewEvent? ParseBinary(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 8 || BinaryPrimitives.ReadInt32BigEndian(frame) != BinaryPreviewImage) return null;
        int format = BinaryPrimitives.ReadInt32BigEndian(frame[4..]);
        return new PreviewEvent(format == PreviewFormatPng ? "png" : "jpeg", frame[8..].ToArray());
    }

    private static string? Text(JsonElement data, string name)
    {
        if (data.ValueKind != JsonValueKind.Object || !data.TryGetProperty(name, out var v)) return null;
        return v.ValueKind switch { JsonValueKind.String => v.GetString(), JsonValueKind.Number => v.GetRawText(), _ => null };
    }

    private static int Int(JsonElement data, string name)
        => data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? (int)v.GetDouble() : 0;

    private static int QueueRemaining(JsonElement data)
    {
        if (data.ValueKind == JsonValueKind.Object && data.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.Object
            && s.TryGetProperty("exec_info", out var e) && e.ValueKind == JsonValueKind.Object) return Int(e, "queue_remaining");
        return 0;
    }
}

public sealed record QueueStatusEvent(int QueueRemaining) : ComfyUIEvent;
public sealed record ExecutionStartEvent(string? PromptId) : ComfyUIEvent;
/// <summary>A node started; <see cref="Node"/> null means the prompt is finished.</summary>
public sealed record ExecutingEvent(string? PromptId, string? Node) : ComfyUIEvent;
public sealed record ProgressEvent(string? PromptId, string? Node, int Value, int Max) : ComfyUIEvent;
public sealed record ExecutedEvent(string? PromptId, string? Node) : ComfyUIEvent;
public sealed record ExecutionSuccessEvent(string? PromptId) : ComfyUIEvent;
public sealed record ExecutionErrorEvent(string? PromptId, string NodeType, string ExceptionType, string Message) : ComfyUIEvent;
public sealed record ExecutionInterruptedEvent(string? PromptId) : ComfyUIEvent;
public sealed record PreviewEvent(string Format, byte[] Image) : ComfyUIEvent;
public sealed record OtherEvent(string Type) : ComfyUIEvent;

/// <summary>GET /system_stats, the parts we show: ComfyUI's version and each device's name and memory.</summary>
public sealed record ComfyUISystemStats(string? Version, IReadOnlyList<ComfyUIDevice> Devices)
{
    public long FreeGpuBytes => Devices.Count == 0 ? 0 : Devices.Max(d => d.VramFree);

    public static ComfyUISystemStats Parse(JsonElement root)
    {
        string? version = root.TryGetProperty("system", out var s) && s.ValueKind == JsonValueKind.Object && s.TryGetProperty("comfyui_version", out var v)
            && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var devices = new List<ComfyUIDevice>();
        if (root.TryGetProperty("devices", out var list) && list.ValueKind == JsonValueKind.Array)
            foreach (var d in list.EnumerateArray())
                devices.Add(new ComfyUIDevice(
                    d.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "",
                    d.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "",
                    d.TryGetProperty("vram_total", out var vt) && vt.ValueKind == JsonValueKind.Number ? vt.GetInt64() : 0,
                    d.TryGetProperty("vram_free", out var vf) && vf.ValueKind == JsonValueKind.Number ? vf.GetInt64() : 0));
        return new ComfyUISystemStats(version, devices);
    }
}

public sealed record ComfyUIDevice(string Name, string Type, long VramTotal, long VramFree);

/// <summary>
/// GET /queue: the prompt ids running and waiting (each entry is [number, prompt_id, prompt, extra, outputs]).
/// The waiting list is ComfyUI's heap, not sorted: prompts run in the order of their number (server.py
/// PromptQueue uses heapq on (number, ...)), so <see cref="PendingNumbers"/> keeps each one's number.
/// </summary>
public sealed record ComfyUIQueue(IReadOnlyList<string> Running, IReadOnlyList<string> Pending, IReadOnlyList<double>? PendingNumbers = null)
{
    public static ComfyUIQueue Parse(JsonElement root)
    {
        var pending = Entries(root, "queue_pending");
        return new(Entries(root, "queue_running").Select(e => e.Id).ToList(), pending.Select(e => e.Id).ToList(), pending.Select(e => e.Number).ToList());
    }

    /// <summary>How many prompts run or wait before <paramref name="promptId"/>; null when it is not waiting (running, finished or unknown).</summary>
    public int? Ahead(string promptId)
    {
        int index = Pending.ToList().IndexOf(promptId);
        if (index < 0) return null;
        if (PendingNumbers is not { } numbers || numbers.Count != Pending.Count) return Running.Count + index;
        return Running.Count + numbers.Count(n => n < numbers[index]);
    }

    private static List<(double Number, string Id)> Entries(JsonElement root, string name)
    {
        var entries = new List<(double, string)>();
        if (root.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array)
            foreach (var entry in list.EnumerateArray())
                if (entry.ValueKind == JsonValueKind.Array && entry.GetArrayLength() > 1 && entry[1].ValueKind == JsonValueKind.String)
                    entries.Add((entry[0].ValueKind == JsonValueKind.Number ? entry[0].GetDouble() : double.MaxValue, entry[1].GetString()!));
        return entries;
    }
}

/// <summary>A file a node wrote, as /history lists it and /view serves it.</summary>
public sealed record ComfyUIFile(string Filename, string Subfolder, string Type);

/// <summary>
/// GET /history/{prompt_id}: whether it finished, how (status_str "success" or "error", with the
/// execution_error message among status.messages), and the files its output nodes wrote.
/// </summary>
public sealed record ComfyUIHistory(bool Completed, string Status, IReadOnlyList<ComfyUIFile> Files, ExecutionErrorEvent? Error, bool Interrupted)
{
    public static ComfyUIHistory? Parse(JsonElement root, string promptId)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(promptId, out var entry)) return null;
        bool completed = false;
        string status = "";
        ExecutionErrorEvent? error = null;
        bool interrupted = false;
        if (entry.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.Object)
        {
            completed = s.TryGetProperty("completed", out var c) && c.ValueKind == JsonValueKind.True;
            status = s.TryGetProperty("status_str", out var st) && st.ValueKind == JsonValueKind.String ? st.GetString()! : "";
            if (s.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
                foreach (var m in messages.EnumerateArray())
                {
                    if (m.ValueKind != JsonValueKind.Array || m.GetArrayLength() < 2) continue;
                    var kind = m[0].GetString();
                    if (kind == "execution_interrupted") interrupted = true;
                    if (kind == "execution_error")
                        error = (ExecutionErrorEvent)ComfyUIEvent.ParseText(JsonSerializer.Serialize(new { type = kind, data = m[1] }));
                }
        }
        var files = new List<ComfyUIFile>();
        if (entry.TryGetProperty("outputs", out var outputs) && outputs.ValueKind == JsonValueKind.Object)
            foreach (var node in outputs.EnumerateObject())
                foreach (var list in node.Value.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Array))
                    foreach (var f in list.Value.EnumerateArray().Where(f => f.ValueKind == JsonValueKind.Object && f.TryGetProperty("filename", out _)))
                        files.Add(new ComfyUIFile(f.GetProperty("filename").GetString() ?? "",
                            f.TryGetProperty("subfolder", out var sub) ? sub.GetString() ?? "" : "",
                            f.TryGetProperty("type", out var ty) ? ty.GetString() ?? "output" : "output"));
        return new ComfyUIHistory(completed, status, files, error, interrupted);
    }

    /// <summary>The video the workflow saved (SaveVideo lists it under "images", VHS under "gifs"): the first output file with a video extension.</summary>
    public ComfyUIFile? Video => Files.FirstOrDefault(f => f.Type == "output" && VideoExtensions.Contains(Path.GetExtension(f.Filename).ToLowerInvariant()));

    private static readonly HashSet<string> VideoExtensions = [".mp4", ".webm", ".mov", ".mkv", ".gif", ".webp"];
}
