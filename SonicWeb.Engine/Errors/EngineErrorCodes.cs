namespace SonicWeb.Engine.Errors;

/// <summary>
/// Stable, documented error codes. They are part of the public contract (CLI --json output, REST
/// ProblemDetails), so never rename one; add new ones instead.
/// </summary>
public static class EngineErrorCodes
{
    public const string NoFace = "no_face";
    public const string FaceTooSmall = "face_too_small";
    public const string UnsupportedImage = "unsupported_image";
    public const string UnsupportedAudio = "unsupported_audio";
    public const string ImageTooLarge = "image_too_large";
    public const string FileTooLarge = "file_too_large";
    public const string AudioTooLong = "audio_too_long";
    public const string AudioEmpty = "audio_empty";
    public const string InvalidParameter = "invalid_parameter";
    public const string ModelMissing = "model_missing";
    public const string Cancelled = "cancelled";
    public const string EncoderFailed = "encoder_failed";
    public const string FfmpegMissing = "ffmpeg_missing";
    public const string InferenceFailed = "inference_failed";
    public const string Internal = "internal_error";
    /// <summary>A remote backend (a ComfyUI host) cannot be reached or has no host configured.</summary>
    public const string BackendUnavailable = "backend_unavailable";
    /// <summary>A remote backend ran the job and reported an error (its message follows).</summary>
    public const string RemoteFailed = "remote_failed";
    /// <summary>The GPU ran out of memory (reported by the remote backend, or refused before by the pre-flight check).</summary>
    public const string OutOfGpuMemory = "out_of_gpu_memory";

    /// <summary>Codes caused by what the caller supplied (CLI exit code 2, HTTP 4xx).</summary>
    public static bool IsBadInput(string code) => code is NoFace or FaceTooSmall or UnsupportedImage
        or UnsupportedAudio or ImageTooLarge or FileTooLarge or AudioTooLong or AudioEmpty or InvalidParameter;
}
