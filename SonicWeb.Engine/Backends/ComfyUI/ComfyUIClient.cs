using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SonicWeb.Engine.Errors;

namespace SonicWeb.Engine.Backends.ComfyUI;

/// <summary>
/// ComfyUI's HTTP API on one host (routes as in comfyanonymous/ComfyUI server.py): /system_stats,
/// /upload/image, /prompt, /queue, /interrupt, /history/{prompt_id} and /view. A failed call throws
/// backend_unavailable naming the host and the route; a refused prompt throws remote_failed with
/// ComfyUI's node errors. Retries of safe calls come from the HttpClient's resilience handler.
/// </summary>
public sealed class ComfyUIClient(Func<HttpClient> http, ComfyUIHostOptions host, ComfyUIOptions options)
{
    public Uri BaseUrl { get; } = new(host.Url.TrimEnd('/') + "/");

    public ComfyUIHostOptions Host => host;

    public async Task<ComfyUISystemStats> GetSystemStatsAsync(CancellationToken ct)
    {
        using var doc = await GetJsonAsync("system_stats", ct);
        return ComfyUISystemStats.Parse(doc.RootElement);
    }

    /// <summary>
    /// Puts a file in ComfyUI's input folder (POST /upload/image, field "image", type=input) and returns
    /// the name its loaders take. LoadAudio reads from the same folder, so the audio goes the same way.
    /// </summary>
    public async Task<string> UploadInputAsync(string path, string uploadName, CancellationToken ct)
    {
        await using var file = File.OpenRead(path);
        using var form = new MultipartFormDataContent();
        var content = new StreamContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, "image", uploadName);
        form.Add(new StringContent("input"), "type");
        form.Add(new StringContent("true"), "overwrite");
        using var response = await SendAsync(HttpMethod.Post, "upload/image", form, options.TransferTimeoutSeconds, ct);
        using var doc = await ReadJsonAsync(response, "upload/image", ct);
        var name = doc.RootElement.GetProperty("name").GetString() ?? uploadName;
        var sub = doc.RootElement.TryGetProperty("subfolder", out var s) ? s.GetString() : null;
        return string.IsNullOrEmpty(sub) ? name : sub + "/" + name;
    }

    /// <summary>POST /prompt {"prompt": ..., "client_id": ...}; returns the prompt id. A 400 carries ComfyUI's validation errors.</summary>
    public async Task<string> QueuePromptAsync(JsonObject prompt, string clientId, CancellationToken ct)
    {
        var body = new JsonObject { ["prompt"] = prompt.DeepClone(), ["client_id"] = clientId };
        using var response = await SendAsync(HttpMethod.Post, "prompt", Json(body), options.RequestTimeoutSeconds, ct, acceptClientErrors: true);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
            throw new SonicEngineException(EngineErrorCodes.RemoteFailed,
                $"The ComfyUI host {BaseUrl} refused the workflow ({(int)response.StatusCode}): {Shorten(text)}. Check the workflow template (Admin > Backends) and that the ComfyUI_Sonic nodes and models are installed.");
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.GetProperty("prompt_id").GetString()!;
    }

    public async Task<ComfyUIQueue> GetQueueAsync(CancellationToken ct)
    {
        using var doc = await GetJsonAsync("queue", ct);
        return ComfyUIQueue.Parse(doc.RootElement);
    }

    /// <summary>Removes a waiting prompt: POST /queue {"delete": [id]}.</summary>
    public async Task DeleteQueuedAsync(string promptId, CancellationToken ct)
    {
        using var _ = await SendAsync(HttpMethod.Post, "queue", Json(new JsonObject { ["delete"] = new JsonArray(promptId) }), options.RequestTimeoutSeconds, ct);
    }

    /// <summary>
    /// POST /interrupt stops whatever the host runs now; call it only when <paramref name="promptId"/> is the
    /// running prompt. (Newer servers also read the prompt id from the body and ignore other prompts.)
    /// </summary>
    public async Task InterruptAsync(string promptId, CancellationToken ct)
    {
        using var _ = await SendAsync(HttpMethod.Post, "interrupt", Json(new JsonObject { ["prompt_id"] = promptId }), options.RequestTimeoutSeconds, ct);
    }

    /// <summary>GET /history/{id}: null while the prompt has not finished (or the host does not know it).</summary>
    public async Task<ComfyUIHistory?> GetHistoryAsync(string promptId, CancellationToken ct)
    {
        using var doc = await GetJsonAsync("history/" + Uri.EscapeDataString(promptId), ct);
        return ComfyUIHistory.Parse(doc.RootElement, promptId);
    }

    /// <summary>GET /view?filename=&amp;subfolder=&amp;type= into <paramref name="destination"/>.</summary>
    public async Task DownloadAsync(ComfyUIFile file, string destination, CancellationToken ct)
    {
        var route = $"view?filename={Uri.EscapeDataString(file.Filename)}&subfolder={Uri.EscapeDataString(file.Subfolder)}&type={Uri.EscapeDataString(file.Type)}";
        using var response = await SendAsync(HttpMethod.Get, route, null, options.TransferTimeoutSeconds, ct);
        await using var target = File.Create(destination);
        await response.Content.CopyToAsync(target, ct);
    }

    /// <summary>Opens /ws?clientId=... with the host's headers.</summary>
    public async Task<ClientWebSocket> ConnectSocketAsync(string clientId, CancellationToken ct)
    {
        var builder = new UriBuilder(new Uri(BaseUrl, "ws?clientId=" + Uri.EscapeDataString(clientId)));
        builder.Scheme = builder.Scheme == "https" ? "wss" : "ws";
        var socket = new ClientWebSocket();
        foreach (var (name, value) in host.Headers) socket.Options.SetRequestHeader(name, value);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.RequestTimeoutSeconds));
        try { await socket.ConnectAsync(builder.Uri, timeout.Token); }
        catch (Exception e) when (e is WebSocketException or HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            socket.Dispose();
            throw Unavailable("ws", e);
        }
        return socket;
    }

    private async Task<JsonDocument> GetJsonAsync(string route, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, route, null, options.RequestTimeoutSeconds, ct);
        return await ReadJsonAsync(response, route, ct);
    }

    private async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response, string route, CancellationToken ct)
    {
        try { return await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct); }
        catch (JsonException e) { throw Unavailable(route, e); }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string route, HttpContent? content, double timeoutSeconds, CancellationToken ct,
        bool acceptClientErrors = false)
    {
        using var request = new HttpRequestMessage(method, new Uri(BaseUrl, route)) { Content = content };
        foreach (var (name, value) in host.Headers) request.Headers.TryAddWithoutValidation(name, value);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
        HttpResponseMessage response;
        try { response = await http().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token); }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw Unavailable(route, e);
        }
        if (response.IsSuccessStatusCode || (acceptClientErrors && (int)response.StatusCode is >= 400 and < 500)) return response;
        var body = await response.Content.ReadAsStringAsync(ct);
        response.Dispose();
        throw new SonicEngineException(EngineErrorCodes.BackendUnavailable,
            $"The ComfyUI host {BaseUrl} answered {(int)response.StatusCode} to {method} /{route.Split('?')[0]}: {Shorten(body)}");
    }

    private SonicEngineException Unavailable(string route, Exception e) => new(EngineErrorCodes.BackendUnavailable,
        $"The ComfyUI host {BaseUrl} cannot be reached (/{route.Split('?')[0]}: {e.Message}).", e);

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static string Shorten(string text) => text.Length <= 600 ? text : text[..600] + "...";
}
