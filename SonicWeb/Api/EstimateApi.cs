using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Media;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Engine.Rendering;
using SonicWeb.Jobs;
using SonicWeb.Storage;

namespace SonicWeb.Api;

public sealed record EstimateResult(
    double EstimateSeconds,
    double VideoSeconds,
    int Width,
    int Height,
    string Backend,
    int JobsAhead,
    double WatchdogSeconds);

/// <summary>
/// POST /api/estimate: how long a video would take. The audio length comes from an uploaded 'audio'
/// file or, cheaper, from the field 'audio_seconds' (the browser reads it from the file it holds);
/// parameters use the same names as submission. Accepts multipart, url-encoded form or a JSON object.
/// </summary>
public static class EstimateApi
{
    public static RouteHandlerBuilder MapEstimateApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/estimate", EstimateAsync).WithTags("Jobs").WithName("Estimate").AddEndpointFilter<ApiProblemFilter>()
            .RequireAuthorization(SonicWeb.Accounts.Policies.Submit);

    public static async Task<Results<Ok<EstimateResult>, ProblemHttpResult>> EstimateAsync(
        HttpContext http, EstimatorService estimator, JobQueries queries, GenerationPipeline pipeline,
        StoragePaths paths, IOptions<StorageOptions> storage, IOptions<JobOptions> jobOptions, CancellationToken ct)
    {
        var request = http.Request;
        Dictionary<string, string> fields;
        UploadForm? form = null;
        try
        {
            if (request.HasJsonContentType()) fields = await ReadJsonFieldsAsync(request, ct);
            else if (request.ContentType?.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) == true)
            {
                form = await UploadReader.ReadAsync(request, paths.NewStagingFolder(), storage.Value.MaxUploadBytes, ct);
                fields = form.Fields;
            }
            else if (request.HasFormContentType)
                fields = (await request.ReadFormAsync(ct)).ToDictionary(kv => kv.Key, kv => kv.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            else fields = new(StringComparer.OrdinalIgnoreCase);

            var p = ParameterBinder.Bind(fields);
            double? audioSeconds = null;
            if (form?.Files.GetValueOrDefault(JobService.AudioField) is { } audio)
            {
                var info = await MediaProbe.ProbeAsync(audio.Path, new MediaProbeOptions
                {
                    Ffmpeg = pipeline.Options.Ffmpeg,
                    FormatWhitelist = MediaProbe.AudioDemuxers,
                    FailureCode = EngineErrorCodes.UnsupportedAudio,
                }, ct);
                audioSeconds = info.DurationSeconds ?? info.FirstAudio?.DurationSeconds;
            }
            if (audioSeconds is null && fields.TryGetValue("audio_seconds", out var text) && text.Length > 0)
            {
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) || !double.IsFinite(s) || s <= 0)
                    throw new ApiProblemException(400, EngineErrorCodes.InvalidParameter, $"audio_seconds is '{text}'; it must be a positive number of seconds.",
                        new Dictionary<string, string[]> { ["audio_seconds"] = [$"audio_seconds is '{text}'; it must be a positive number of seconds."] });
                audioSeconds = s;
            }
            double videoSeconds = p.Duration ?? audioSeconds
                ?? throw new ApiProblemException(400, EngineErrorCodes.InvalidParameter,
                    "Give the audio length: an 'audio' file, 'audio_seconds' or 'duration'.",
                    new Dictionary<string, string[]> { ["audio_seconds"] = ["Give the audio length: an 'audio' file, 'audio_seconds' or 'duration'."] });

            int width = RoundTo16(p.MinResolution), height = width;
            if (p.Crop == CropMode.Full && form?.Files.GetValueOrDefault(JobService.ImageField) is { } image
                && ImageFormats.ReadHeader(await File.ReadAllBytesAsync(image.Path, ct)) is { } header)
            {
                double aspect = (double)Math.Max(header.Width, header.Height) / Math.Min(header.Width, header.Height);
                int longSide = RoundTo16((int)Math.Round(p.MinResolution * aspect));
                (width, height) = header.Width >= header.Height ? (longSide, width) : (width, longSide);
            }

            var backend = TimeEstimator.BuiltInBackend;
            var seconds = estimator.Estimate(backend, videoSeconds, Math.Min(width, height), p.InferenceSteps);
            int ahead = await queries.QueuedCountAsync(ct);
            return TypedResults.Ok(new EstimateResult(Math.Round(seconds, 1), Math.Round(videoSeconds, 2), width, height, backend, ahead,
                Math.Round(jobOptions.Value.WatchdogLimit(seconds).TotalSeconds)));
        }
        finally
        {
            if (form != null) await form.DisposeAsync();
        }
    }

    private static int RoundTo16(int v) => Math.Max(16, (int)Math.Round(v / 16.0) * 16);

    private static async Task<Dictionary<string, string>> ReadJsonFieldsAsync(HttpRequest request, CancellationToken ct)
    {
        JsonDocument doc;
        try { doc = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct); }
        catch (JsonException e) { throw Problems.BadRequest("The body is not valid JSON: " + e.Message); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Problems.BadRequest("The body must be a JSON object.");
            return doc.RootElement.EnumerateObject().ToDictionary(
                p => p.Name,
                p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() ?? "" : p.Value.ValueKind == JsonValueKind.Null ? "" : p.Value.GetRawText(),
                StringComparer.OrdinalIgnoreCase);
        }
    }
}
