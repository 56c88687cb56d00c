using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SonicWeb.Engine.Backends;
using SonicWeb.Errors;
using SonicWeb.Jobs;
using SonicWeb.Storage;

using SonicWeb.Api.OpenApi;

namespace SonicWeb.Api;

/// <summary>
/// POST /api/estimate: how long a video would take. The audio length comes from an uploaded 'audio'
/// file or, cheaper, from the field 'audio_seconds' (the browser reads it from the file it holds);
/// parameters use the same names as submission. Accepts multipart, url-encoded form or a JSON object.
/// </summary>
public static class EstimateApi
{
    public static RouteHandlerBuilder MapEstimateApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/estimate", EstimateAsync).WithTags("Jobs").WithName("Estimate").AddEndpointFilter<ApiProblemFilter>().DocumentsProblems(400, 401, 403, 413, 415, 422)
            .DocumentsBody<EstimateForm>("application/json", "multipart/form-data", "application/x-www-form-urlencoded")
            .WithSummary("How long a video would take, its size and the jobs ahead, from audio_seconds (or an uploaded 'audio') and the parameters.")
            .RequireAuthorization(SonicWeb.Accounts.Policies.Submit);

    public static async Task<Results<Ok<EstimateResult>, ProblemHttpResult>> EstimateAsync(
        HttpContext http, JobEstimates estimates, StoragePaths paths, IOptions<StorageOptions> storage, CancellationToken ct)
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

            var choices = SubmitOptions.From(fields);
            var p = ParameterBinder.Bind(fields, http.RequestServices.GetRequiredService<GenerationBackends>().ParameterDefaultsFor(choices.Backend));
            var audio = form?.Files.GetValueOrDefault(UploadForm.AudioField);
            double? audioSeconds = null;
            if (audio is null && fields.TryGetValue("audio_seconds", out var text) && text.Length > 0)
            {
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) || !double.IsFinite(s) || s <= 0)
                    throw InputRejectedException.Field("audio_seconds", $"audio_seconds is '{text}'; it must be a positive number of seconds.");
                audioSeconds = s;
            }
            return TypedResults.Ok(await estimates.EstimateAsync(
                new EstimateRequest(p, audioSeconds, audio?.Path, form?.Files.GetValueOrDefault(UploadForm.ImageField)?.Path, choices.Backend), ct));
        }
        finally
        {
            if (form != null) await form.DisposeAsync();
        }
    }

    private static async Task<Dictionary<string, string>> ReadJsonFieldsAsync(HttpRequest request, CancellationToken ct)
    {
        JsonDocument doc;
        try { doc = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct); }
        catch (JsonException e) { throw InputRejectedException.BadRequest("The body is not valid JSON: " + e.Message); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw InputRejectedException.BadRequest("The body must be a JSON object.");
            return doc.RootElement.EnumerateObject().ToDictionary(
                p => p.Name,
                p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() ?? "" : p.Value.ValueKind == JsonValueKind.Null ? "" : p.Value.GetRawText(),
                StringComparer.OrdinalIgnoreCase);
        }
    }
}
