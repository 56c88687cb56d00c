using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace SonicWeb.LoadBench;

/// <summary>The few REST calls the benchmark makes. File bytes are shared, never copied per request.</summary>
public sealed class BenchApi(HttpClient http, CookieContainer cookies)
{
    public HttpClient Http => http;
    /// <summary>The signed-in admin's cookie, for the hub's WebSockets.</summary>
    public CookieContainer Cookies => cookies;

    public static MultipartFormDataContent Form(byte[] image, byte[] audio, string imageName, string audioName, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        var imageContent = new ByteArrayContent(image);
        imageContent.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var audioContent = new ByteArrayContent(audio);
        audioContent.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(imageContent, "image", imageName);
        form.Add(audioContent, "audio", audioName);
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        return form;
    }

    /// <summary>POST /api/jobs; returns the status code, the job (when 202) and the body.</summary>
    public async Task<(HttpStatusCode Status, JsonElement? Job, string Body)> SubmitAsync(MultipartFormDataContent form)
    {
        using var response = await http.PostAsync("/api/jobs", form);
        var body = await response.Content.ReadAsStringAsync();
        JsonElement? job = response.StatusCode == HttpStatusCode.Accepted ? JsonDocument.Parse(body).RootElement.Clone() : null;
        return (response.StatusCode, job, body);
    }

    public async Task<JsonElement> GetJobAsync(string id)
    {
        var body = await http.GetStringAsync($"/api/jobs/{id}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task<string> WaitFinishedAsync(string id, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var status = (await GetJobAsync(id)).GetProperty("status").GetString()!;
            if (status is "Succeeded" or "Failed" or "Cancelled") return status;
            if (DateTime.UtcNow > until) throw new TimeoutException($"job {id} is still {status} after {timeout.TotalSeconds:0} s");
            await Task.Delay(50);
        }
    }

    public async Task PostAsync(string path)
    {
        using var response = await http.PostAsync(path, null);
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.Conflict)
            throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Cancels (if still queued or running) and deletes jobs, so the next phase starts with an idle worker.</summary>
    public async Task CancelAndDeleteAsync(IEnumerable<string> ids)
    {
        foreach (var id in ids)
        {
            await PostAsync($"/api/jobs/{id}/cancel");
            using var _ = await http.DeleteAsync($"/api/jobs/{id}");
        }
    }
}
