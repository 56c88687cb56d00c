using System.Text.Json;
using System.Text.Json.Nodes;
using SonicWeb.Batches;
using SonicWeb.Data;
using SonicWeb.Jobs;
using SonicWeb.Links;
using SonicWeb.Notifications;
using SonicWeb.Presets;
using SonicWeb.Reviews;
using SonicWeb.Webhooks;

namespace SonicWeb.Api.OpenApi;

/// <summary>
/// One realistic value of each type the API answers with, written with the app's JSON options, so the
/// document's examples have exactly the shape of real answers (the conformance test validates them
/// against their schemas too).
/// </summary>
public static class ApiExamples
{
    private const string JobId = "6f1c2a9e4b7d40c1a2b3c4d5";
    private const string BatchId = "b81d0c3f5e2a4c6b8d9e0f1a";
    private static readonly DateTime Created = new(2026, 12, 2, 9, 30, 0, DateTimeKind.Utc);

    public static JobView Job { get; } = new(JobId, "hello-portrait", "Catalogue script", JobStatus.Succeeded, null, null, 1, 42.5,
        112, 112, 39.8, null, 38.9, 4.48, 4.48, 768, 768, "builtin",
        JsonSerializer.SerializeToElement(new { min_resolution = 768, expand_ratio = 0.15, inference_steps = 20, dynamic_scale = 1.1, motion_scale = 1.05, align_mouth = true, smooth_motion = true, crop = "face" }),
        7, [], null, null, true, Created, Created.AddSeconds(2), Created.AddSeconds(42), JobView.LinksFor(JobId))
    {
        Review = new JobReview(ReviewState.Pending, null, null, null),
        SignedLinks = new SignedJobLinks($"https://sonicweb.example.com{SignedLinks.RoutePrefix}/CfDJ8Nw.../video.mp4",
            $"https://sonicweb.example.com{SignedLinks.RoutePrefix}/CfDJ8Nx.../preview.jpg",
            $"https://sonicweb.example.com{SignedLinks.RoutePrefix}/CfDJ8Ny.../thumbnail.jpg", Created.AddHours(25)),
        Actions = JobActions.For(JobStatus.Succeeded, hasVideo: true),
        StatusText = JobStatusText.Status(JobStatus.Succeeded),
        StageText = JobStatusText.Stage(JobStatus.Succeeded, null),
    };

    public static WebhookPayload Webhook { get; } = new("job.succeeded", JobId, "Succeeded", true, Job.SignedLinks!.Video, null, null, Created.AddSeconds(42), Job);

    private static readonly Dictionary<Type, Func<object>> Samples = new()
    {
        [typeof(JobView)] = () => Job,
        [typeof(JobListPage)] = () => new JobListPage([Job], 1, 20, 1),
        [typeof(EstimateResult)] = () => new EstimateResult(42.5, 4.48, 768, 768, "builtin", 2, 900),
        [typeof(PresetView)] = () => new PresetView(3, "Shop square", "512 px, a little more room around the face",
            JsonSerializer.SerializeToElement(new { min_resolution = 512, expand_ratio = 0.2 }), Created, Created),
        [typeof(PresetInput)] = () => new PresetInput("Shop square", "512 px, a little more room around the face",
            JsonSerializer.SerializeToElement(new { min_resolution = 512, expand_ratio = 0.2 })),
        [typeof(BatchView)] = () => new BatchView(BatchId, "spring catalogue", "Catalogue script", Created, null, false,
            new BatchCounts(2, 0, 1, 0, 1, 0, 0), 112, 224, [Job], BatchView.LinksFor(BatchId)) { Recordings = new Dictionary<string, string> { [JobId] = "hello.wav" } },
        [typeof(ReviewRequest)] = () => new ReviewRequest("changes_requested", "The mouth starts late at 0:02; please try dynamic_scale 1.2."),
        [typeof(KeyCallback)] = () => new KeyCallback("https://shop.example.com/hooks/sonicweb"),
        [typeof(WebhookAttempt)] = () => new WebhookAttempt(41, JobId, "job.succeeded", "https://shop.example.com/hooks/sonicweb", DeliveryStatus.Sent, 1,
            Created.AddSeconds(42), Created.AddSeconds(43), null, Created.AddSeconds(43), null),
        [typeof(SonicGenerateResult)] = () => new SonicGenerateResult(true, JobId, "Succeeded", Job.SignedLinks!.Video, $"outputs/{JobId}/video.mp4",
            $"/api/jobs/{JobId}", null, 42.5),
        [typeof(ApiProblem)] = () => new ApiProblem("The request has invalid parameters", 400, "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            "min_resolution is 99999; it must be between 256 and 2048.", Code: "invalid_parameter",
            Errors: new Dictionary<string, string[]> { ["min_resolution"] = ["min_resolution is 99999; it must be between 256 and 2048."] },
            TraceId: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"),
        [typeof(CompatProblem)] = () => new CompatProblem("The request has invalid parameters", 400, false,
            "Attach a voice recording in the field 'audio' (WAV, MP3, M4A, OGG, FLAC).", Detail: "Attach a voice recording in the field 'audio' (WAV, MP3, M4A, OGG, FLAC).",
            Code: "invalid_parameter"),
        [typeof(WebhookPayload)] = () => Webhook,
    };

    /// <summary>The example of <paramref name="type"/> as JSON, or null when there is none.</summary>
    public static JsonNode? For(Type type, JsonSerializerOptions options) =>
        Samples.TryGetValue(type, out var sample) ? JsonSerializer.SerializeToNode(sample(), type, options) : null;
}
