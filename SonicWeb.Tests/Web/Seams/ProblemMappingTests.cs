using Microsoft.AspNetCore.Http.HttpResults;
using SonicWeb.Api;
using SonicWeb.Batches;
using SonicWeb.Engine.Errors;
using SonicWeb.Errors;
using SonicWeb.Presets;

namespace SonicWeb.Tests.Web.Seams;

/// <summary>
/// Each refusal a service or the engine can throw, and the answer the API gives for it: the HTTP status,
/// the stable code in "code", the message as detail, a title for the status, and per-field problems.
/// </summary>
public sealed class ProblemMappingTests
{
    public static TheoryData<string, Exception, int, string> Refusals => new()
    {
        { "not found", new NotFoundException("There is no job 'x'."), 404, "not_found" },
        { "invalid state", new InvalidStateException("Job x is Succeeded; only failed or cancelled jobs can be retried."), 409, "invalid_state" },
        { "forbidden", new ForbiddenException("Job x belongs to someone else."), 403, "forbidden" },
        { "bad parameter", InputRejectedException.Field("dynamic_scale", "dynamic_scale is 9; the allowed range is 0..3."), 400, "invalid_parameter" },
        { "malformed request", InputRejectedException.BadRequest("The body must be a JSON object."), 400, "bad_request" },
        { "duplicate preset name", InputRejectedException.Field("name", "A preset named 'a' already exists.", PresetService.DuplicateNameCode), 400, "duplicate_name" },
        { "file too large", new InputRejectedException(EngineErrorCodes.FileTooLarge, "The file in 'image' is larger than the upload limit."), 413, "file_too_large" },
        { "not an image", new InputRejectedException(EngineErrorCodes.UnsupportedImage, "The photo is not a PNG, JPEG or WebP image."), 415, "unsupported_image" },
        { "not audio", new InputRejectedException(EngineErrorCodes.UnsupportedAudio, "The audio is not in a supported format."), 415, "unsupported_audio" },
        { "not multipart", new InputRejectedException(EngineErrorCodes.InvalidParameter, "Send the files as multipart/form-data.", problem: InputProblem.UnsupportedType), 415, "invalid_parameter" },
        { "no face", new InputRejectedException(EngineErrorCodes.NoFace, "No face found in the photo."), 422, "no_face" },
        { "face too small", new InputRejectedException(EngineErrorCodes.FaceTooSmall, "The face is only 40 pixels wide."), 422, "face_too_small" },
        { "image too large", new InputRejectedException(EngineErrorCodes.ImageTooLarge, "Image is 9000x9000."), 422, "image_too_large" },
        { "audio too long", new InputRejectedException(EngineErrorCodes.AudioTooLong, "The audio is 400 s long."), 422, "audio_too_long" },
        { "audio empty", new InputRejectedException(EngineErrorCodes.AudioEmpty, "The audio contains no samples."), 422, "audio_empty" },
        { "batch of mixed unusable pairs", new InputRejectedException(BatchService.InvalidBatchCode, "2 of 3 pairs cannot be used.", problem: InputProblem.Unusable), 422, "invalid_batch" },
        { "engine: bad input", new SonicEngineException(EngineErrorCodes.NoFace, "No face found."), 422, "no_face" },
        { "engine: model missing", new SonicEngineException(EngineErrorCodes.ModelMissing, "Model file 'x' is missing."), 503, "model_missing" },
        { "engine: ffmpeg missing", new SonicEngineException(EngineErrorCodes.FfmpegMissing, "ffmpeg could not be started."), 503, "ffmpeg_missing" },
        { "engine: encoder failed", new SonicEngineException(EngineErrorCodes.EncoderFailed, "ffmpeg stopped."), 500, "encoder_failed" },
        { "engine: internal", new SonicEngineException(EngineErrorCodes.Internal, "Something broke."), 500, "internal_error" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Each_refusal_becomes_problem_details_with_its_status_and_code(string what, Exception refusal, int status, string code)
    {
        var result = refusal switch
        {
            DomainException d => ProblemMapping.ToResult(d),
            SonicEngineException e => ProblemMapping.ToResult(e),
            _ => throw new ArgumentException(what),
        };

        Assert.Equal(status, result.StatusCode);
        Assert.Equal(status, result.ProblemDetails.Status);
        Assert.Equal(code, result.ProblemDetails.Extensions["code"]);
        Assert.Equal(refusal.Message, result.ProblemDetails.Detail);
        Assert.Equal(ProblemMapping.TitleFor(status), result.ProblemDetails.Title);
    }

    [Fact]
    public void Per_field_problems_travel_in_errors()
    {
        var result = ProblemMapping.ToResult(InputRejectedException.Field("audio_seconds", "audio_seconds is 'x'; it must be a positive number of seconds."));
        var errors = Assert.IsType<IDictionary<string, string[]>>(result.ProblemDetails.Extensions["errors"], exactMatch: false);
        Assert.Equal(["audio_seconds is 'x'; it must be a positive number of seconds."], errors["audio_seconds"]);
    }

    [Fact]
    public void An_engine_limit_is_shown_with_the_configuration_key_that_sets_it()
    {
        var e = new SonicEngineException(EngineErrorCodes.FaceTooSmall, "The face is only 52 pixels wide; use a closer or larger photo. The minimum is 64 pixels.")
            { Setting = "MinFaceSizePixels" };
        ProblemHttpResult result = ProblemMapping.ToResult(e);
        Assert.Equal(422, result.StatusCode);
        Assert.Equal("The face is only 52 pixels wide; use a closer or larger photo. The minimum is 64 pixels (Engine:MinFaceSizePixels).", result.ProblemDetails.Detail);
        Assert.Equal(result.ProblemDetails.Detail, InputRejectedException.From(e).Message); // the same words when a service passes it on
    }
}
