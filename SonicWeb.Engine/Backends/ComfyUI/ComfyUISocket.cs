using System.Buffers;
using System.Net.WebSockets;
using System.Text;

namespace SonicWeb.Engine.Backends.ComfyUI;

/// <summary>Reads whole messages from ComfyUI's /ws socket and parses them into <see cref="ComfyUIEvent"/>s.</summary>
public static class ComfyUISocket
{
    /// <summary>The next event; null when the server closed the socket. A dropped connection throws WebSocketException.</summary>
    public static async Task<ComfyUIEvent?> ReceiveAsync(WebSocket socket, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        while (true)
        {
            var memory = buffer.GetMemory(16 * 1024);
            var result = await socket.ReceiveAsync(memory, ct);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            buffer.Advance(result.Count);
            if (!result.EndOfMessage) continue;
            if (result.MessageType == WebSocketMessageType.Binary)
            {
                if (ComfyUIEvent.ParseBinary(buffer.WrittenSpan) is { } preview) return preview;
                buffer.Clear();
                continue;
            }
            try { return ComfyUIEvent.ParseText(Encoding.UTF8.GetString(buffer.WrittenSpan)); }
            catch (System.Text.Json.JsonException) { buffer.Clear(); } // not ours to understand: skip
        }
    }
}
