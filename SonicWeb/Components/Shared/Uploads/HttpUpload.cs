using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace SonicWeb.Components.Shared.Uploads;

/// <summary>One file input whose chosen files are sent under this form field name.</summary>
public sealed record UploadInput(string Field, ElementReference Input);

/// <summary>Bytes sent so far of the whole request (Total is -1 while the browser does not know it).</summary>
public readonly record struct UploadProgress(long Sent, long Total)
{
    public double Percent => Total > 0 ? 100.0 * Sent / Total : 0;
}

/// <summary>
/// The server's answer to an upload (any status), or why there is none (<see cref="Failure"/>: connection lost,
/// cancelled). <see cref="ProblemMessage"/> is the ProblemDetails "detail" of a 4xx/5xx answer, e.g. the 413's
/// "The file in 'audio' is larger than the upload limit of 50 MB (Storage:MaxUploadBytes)."
/// </summary>
public sealed record UploadResponse(int Status, string Body, string? Failure = null)
{
    public bool Succeeded => Failure is null && Status is >= 200 and < 300;

    public JsonElement? Json => Body.Length > 0 && Body[0] is '{' or '[' ? JsonDocument.Parse(Body).RootElement.Clone() : null;

    public string? ProblemMessage => Failure ?? (Status >= 400
        ? Json is { ValueKind: JsonValueKind.Object } problem && problem.TryGetProperty("detail", out var detail) ? detail.GetString() : $"The server answered {Status}."
        : null);
}

/// <summary>
/// Sends files from file inputs (see <see cref="FileField"/>) over plain HTTP with the browser's XMLHttpRequest
/// (js/http-upload.js), so the upload goes straight to a streaming endpoint such as POST /api/jobs instead of
/// through the circuit, with progress reported to .NET. The endpoint enforces its size limits while it reads.
/// One instance per component; dispose it with the component.
/// </summary>
public sealed class HttpUpload(IJSRuntime js) : IAsyncDisposable
{
    /// <summary>Progress is reported at most this often (plus once at the end).</summary>
    public const int ProgressIntervalMs = 100;
    private IJSObjectReference? _module;

    public async Task<UploadResponse> SendAsync(string url, IReadOnlyDictionary<string, string> fields, IReadOnlyList<UploadInput> inputs,
        Action<UploadProgress>? progress = null, CancellationToken ct = default)
    {
        _module ??= await js.InvokeAsync<IJSObjectReference>("import", ct, "./js/http-upload.js");
        var callbacks = new Callbacks(progress);
        using var reference = DotNetObjectReference.Create(callbacks);
        await using var request = await _module.InvokeAsync<IJSObjectReference>("send", ct,
            url, fields, inputs.Select(i => new { field = i.Field, input = i.Input }).ToArray(), reference, ProgressIntervalMs);
        await using var cancel = ct.Register(() => _ = AbortQuietlyAsync(request));
        return await callbacks.Result;
    }

    private static async Task AbortQuietlyAsync(IJSObjectReference request)
    {
        try { await request.InvokeVoidAsync("abort"); }
        catch (Exception e) when (e is JSDisconnectedException or ObjectDisposedException or TaskCanceledException) { } // the page is gone anyway
    }

    public async ValueTask DisposeAsync()
    {
        if (_module is null) return;
        try { await _module.DisposeAsync(); }
        catch (JSDisconnectedException) { } // the circuit ended first: nothing left to release in the browser
    }

    /// <summary>What js/http-upload.js calls back.</summary>
    private sealed class Callbacks(Action<UploadProgress>? progress)
    {
        private readonly TaskCompletionSource<UploadResponse> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Task<UploadResponse> Result => _result.Task;

        [JSInvokable] public void Progress(long sent, long total) => progress?.Invoke(new UploadProgress(sent, total));
        [JSInvokable] public void Completed(int status, string body) => _result.TrySetResult(new UploadResponse(status, body));
        [JSInvokable] public void Failed(string message) => _result.TrySetResult(new UploadResponse(0, "", message));
    }
}
