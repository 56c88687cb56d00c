using System.Text.Json;
using System.Text.Json.Serialization;
using SonicWeb.Jobs;
using SonicWeb.Jobs.Transport;

namespace SonicWeb.Webhooks;

/// <summary>
/// The body of a webhook call. The top-level fields follow the old service's names (task_id, success,
/// video_url, error) so a script that read its answers reads this too; <c>job</c> is the job exactly as
/// GET /api/jobs/{id} shows it, with absolute signed links.
/// </summary>
public sealed record WebhookPayload(
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("task_id")] string TaskId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("video_url")] string? VideoUrl,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("error_code")] string? ErrorCode,
    [property: JsonPropertyName("created_at")] DateTime CreatedAt,
    [property: JsonPropertyName("job")] JobView Job)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>"job.succeeded", "job.failed" or "job.cancelled".</summary>
    public static string EventFor(JobEnd end) => "job." + end.ToString().ToLowerInvariant();
}
