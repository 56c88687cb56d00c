using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SonicWeb.Notifications;
using SonicWeb.Tests.TestSupport;

namespace SonicWeb.Tests.Web.Team;

/// <summary>
/// Stands in for the email channel: records every notification the app raises, so a test can prove
/// how many there were and what they said (the email transport itself is tested elsewhere).
/// </summary>
public sealed class NotificationRecorder : IUserNotifications
{
    public ConcurrentQueue<string> JobsFinished { get; } = new();
    public ConcurrentQueue<BatchOutcome> BatchesFinished { get; } = new();

    public Task JobFinishedAsync(string jobId, CancellationToken ct) { JobsFinished.Enqueue(jobId); return Task.CompletedTask; }
    public Task ReviewDecidedAsync(string jobId, CancellationToken ct) => Task.CompletedTask;
    public Task BatchFinishedAsync(BatchOutcome batch, CancellationToken ct) { BatchesFinished.Enqueue(batch); return Task.CompletedTask; }
}

/// <summary>Inputs and calls the batch tests share.</summary>
public static class BatchTestKit
{
    /// <summary>Very short spoken clips (about a second each): a 256 px job renders in a moment.</summary>
    public static string Clip(string words, string name) => TestMedia.Speech(words, "clip-" + name);

    public static readonly (string Words, string Name)[] FiveClips =
        [("Hello.", "hello"), ("Thank you.", "thanks"), ("Welcome.", "welcome"), ("Good morning.", "morning"), ("See you.", "later")];

    public static MultipartFormDataContent Form(string? image, IEnumerable<string> audios, string? archive = null, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        if (image != null) form.Add(File(image), "image", Path.GetFileName(image));
        foreach (var audio in audios) form.Add(File(audio), "audio", Path.GetFileName(audio));
        if (archive != null) form.Add(File(archive), "archive", Path.GetFileName(archive));
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        return form;
    }

    private static ByteArrayContent File(string path)
    {
        var content = new ByteArrayContent(System.IO.File.ReadAllBytes(path));
        content.Headers.ContentType = new("application/octet-stream");
        return content;
    }

    /// <summary>A zip in the test's work folder: entry name to file on disk, or to text when the value starts with "text:".</summary>
    public static string Zip(string name, params (string Entry, string Source)[] entries)
    {
        var path = Path.Combine(TestMedia.WorkDir, name);
        System.IO.File.Delete(path);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (entry, source) in entries)
        {
            using var stream = zip.CreateEntry(entry, CompressionLevel.Optimal).Open();
            var bytes = source.StartsWith("text:") ? Encoding.UTF8.GetBytes(source[5..]) : System.IO.File.ReadAllBytes(source);
            stream.Write(bytes);
        }
        return path;
    }

    public static async Task<JsonElement> SubmitBatchAsync(HttpClient http, MultipartFormDataContent form)
    {
        using var response = await http.PostAsync("/api/batches", form);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"batch: {(int)response.StatusCode} {body}");
        var batch = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal($"/api/batches/{batch.GetProperty("id").GetString()}", response.Headers.Location?.ToString());
        return batch;
    }

    /// <summary>Posts and expects a refusal: returns the status and the ProblemDetails.</summary>
    public static async Task<(int Status, JsonElement Problem)> RefusedAsync(HttpClient http, MultipartFormDataContent form)
    {
        using var response = await http.PostAsync("/api/batches", form);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode >= 400, $"expected a refusal, got {(int)response.StatusCode} {body}");
        return ((int)response.StatusCode, JsonDocument.Parse(body).RootElement.Clone());
    }

    public static async Task<JsonElement> WaitForBatchAsync(HttpClient http, string id, TimeSpan timeout, Func<JsonElement, bool>? done = null)
    {
        done ??= b => b.GetProperty("isFinished").GetBoolean();
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var batch = await http.GetFromJsonAsync<JsonElement>($"/api/batches/{id}", WebTestKit.Json);
            if (done(batch)) return batch;
            if (DateTime.UtcNow > until) throw new TimeoutException($"batch {id} did not reach the expected state; last: {batch}");
            await Task.Delay(200);
        }
    }

    public static int Count(this JsonElement batch, string status) => batch.GetProperty("counts").GetProperty(status).GetInt32();

    /// <summary>Jobs in the whole app (any owner), seen by the admin.</summary>
    public static async Task<int> JobTotalAsync(HttpClient admin) =>
        (await admin.GetFromJsonAsync<JsonElement>("/api/jobs", WebTestKit.Json)).GetProperty("total").GetInt32();
}
