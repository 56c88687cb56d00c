using System.ComponentModel;
using System.Text.Json.Serialization;

namespace SonicWeb.Api.OpenApi;

// The multipart bodies of the upload endpoints, for the OpenAPI document only: the handlers read the body
// themselves (UploadReader streams files to disk with the size limit enforced while reading), so the
// generator cannot see these fields. Generation parameters get their range and help from the
// ParameterCatalog (GenerationParameterSchemas); everything is optional except the files.

/// <summary>The generation parameters every submitting endpoint takes as form fields (they also fit in the JSON "config" field).</summary>
public abstract record GenerationFields
{
    [JsonPropertyName("min_resolution")] public int? MinResolution { get; init; }
    [JsonPropertyName("expand_ratio")] public double? ExpandRatio { get; init; }
    [JsonPropertyName("inference_steps")] public int? InferenceSteps { get; init; }
    [JsonPropertyName("dynamic_scale")] public double? DynamicScale { get; init; }
    [JsonPropertyName("motion_scale")] public double? MotionScale { get; init; }
    [JsonPropertyName("duration")] public double? Duration { get; init; }
    [JsonPropertyName("seed")] public int? Seed { get; init; }
    [JsonPropertyName("align_mouth")] public bool? AlignMouth { get; init; }
    [JsonPropertyName("smooth_motion")] public bool? SmoothMotion { get; init; }
    [JsonPropertyName("crop")] public string? Crop { get; init; }

    [JsonPropertyName("config"), Description("The parameters (and preview_first, backend, callback_url) as one JSON object, e.g. {\"min_resolution\": 512, \"seed\": 7}; form fields win over it.")]
    public string? Config { get; init; }

    [JsonPropertyName("preset"), Description("A preset's name (GET /api/presets): its parameters apply under the ones sent.")]
    public string? Preset { get; init; }

    [JsonPropertyName("name"), Description("The job's (or batch's) name in the history; defaults to the file names.")]
    public string? Name { get; init; }

    [JsonPropertyName("preview_first"), Description("true: render the first frame only and wait (AwaitingConfirmation) for POST /api/jobs/{id}/confirm.")]
    public bool? PreviewFirst { get; init; }

    [JsonPropertyName("backend"), Description("The generation backend: 'builtin' (the CPU animator) or 'comfyui-sonic' (Sonic on ComfyUI hosts); default Backends:Default.")]
    public string? Backend { get; init; }
}

/// <summary>POST /api/jobs.</summary>
public sealed record JobSubmissionForm : GenerationFields
{
    [JsonPropertyName("image"), JsonRequired, Description("The portrait: PNG, JPEG or WebP (Engine:Limits:MaxImageBytes, MaxImagePixels).")]
    public IFormFile? Image { get; init; }

    [JsonPropertyName("audio"), JsonRequired, Description("The voice: WAV, MP3, M4A/AAC, OGG or FLAC (Engine:Limits:MaxAudioBytes, MaxAudioSeconds).")]
    public IFormFile? Audio { get; init; }

    [JsonPropertyName("submitter"), Description("Who the job is for, shown in the history (free text).")]
    public string? Submitter { get; init; }

    [JsonPropertyName("callback_url"), Description("A webhook for this job: POSTed a signed JSON body (the webhook 'job-finished') when it ends. "
        + "Private and loopback targets are refused unless Webhooks:AllowedTargets lists them; without it the API key's default applies.")]
    public string? CallbackUrl { get; init; }
}

/// <summary>POST /api/batches.</summary>
public sealed record BatchSubmissionForm : GenerationFields
{
    [JsonPropertyName("image"), Description("The portrait all recordings use (with 'audio').")]
    public IFormFile? Image { get; init; }

    [JsonPropertyName("audio"), Description("Several recordings, one job each (repeat the field).")]
    public IFormFileCollection? Audio { get; init; }

    [JsonPropertyName("archive"), Description("Instead of image + audio: a zip with one photo and recordings, or a pairs.csv (image,audio[,name]) with the files it names.")]
    public IFormFile? Archive { get; init; }
}

/// <summary>POST /api/sonic/generate: the original service's form.</summary>
public sealed record SonicGenerateForm
{
    [JsonPropertyName("image"), JsonRequired, Description("The portrait: PNG, JPEG or WebP.")]
    public IFormFile? Image { get; init; }

    [JsonPropertyName("audio"), JsonRequired, Description("The voice: WAV, MP3, M4A/AAC, OGG or FLAC.")]
    public IFormFile? Audio { get; init; }

    [JsonPropertyName("config"), Description("The parameters as one JSON object with the API's names, e.g. {\"min_resolution\": 512, \"inference_steps\": 25}.")]
    public string? Config { get; init; }
}

/// <summary>POST /api/estimate: JSON, url-encoded or multipart with the same names.</summary>
public sealed record EstimateForm : GenerationFields
{
    [JsonPropertyName("audio_seconds"), Description("The recording's length in seconds (cheap: no upload); or send the file as 'audio' (multipart).")]
    public double? AudioSeconds { get; init; }

    [JsonPropertyName("audio"), Description("Multipart only: the recording, probed for its length.")]
    public IFormFile? Audio { get; init; }
}
