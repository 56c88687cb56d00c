using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SonicWeb.Accounts;
using SonicWeb.Engine.Errors;
using SonicWeb.Errors;
using SonicWeb.Jobs.Submission;
using SonicWeb.Storage;

namespace SonicWeb.Api;

/// <summary>What the page gets back for a staged file: the token to submit it with.</summary>
public sealed record StagedUploadAnswer(string Token, string Name, long Bytes);

/// <summary>
/// POST /uploads/staged: the new video page sends each chosen file here over plain HTTP (js/http-upload.js; the
/// circuit moves about 2 MB/s, docs/web.md) as soon as it is chosen, so the page's circuit can show the face box
/// and the check before submitting (<see cref="StagedInputs"/>). One file, in the field "image" or "audio" (so a refusal names it), streamed to disk with
/// Storage:MaxUploadBytes enforced while reading (413). Not part of the REST API: programs send their files with the job.
/// </summary>
public static class StagedUploadsApi
{
    public const string Path = "/uploads/staged";

    public static RouteHandlerBuilder MapStagedUploadsApi(this IEndpointRouteBuilder app) =>
        app.MapPost(Path, StageAsync).WithTags("Pages").ExcludeFromDescription().AddEndpointFilter<ApiProblemFilter>()
            .RequireAuthorization(Policies.Submit);

    public static async Task<Results<Ok<StagedUploadAnswer>, ProblemHttpResult>> StageAsync(
        HttpContext http, StagedInputs staged, StoragePaths paths, IOptions<StorageOptions> storage, UploadAdmission admission, CancellationToken ct)
    {
        using var inFlight = admission.BeginUpload();
        var form = await UploadReader.ReadAsync(http.Request, paths.NewStagingFolder(), storage.Value.MaxUploadBytes, ct);
        var file = form.Files.Count == 1 ? form.Files.Values.Single() : null;
        if (file is null || file.Field is not (UploadForm.ImageField or UploadForm.AudioField))
        {
            await form.DisposeAsync();
            throw new InputRejectedException(EngineErrorCodes.InvalidParameter,
                $"Send exactly one file, in the field '{UploadForm.ImageField}' or '{UploadForm.AudioField}'.");
        }
        var input = staged.Add(http.User.UserId()!, file, form.Folder);
        return TypedResults.Ok(new StagedUploadAnswer(input.Token, file.OriginalName, file.Length));
    }
}
