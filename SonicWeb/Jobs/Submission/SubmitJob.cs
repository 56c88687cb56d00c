using SonicWeb.Engine.Pipeline;
using SonicWeb.Storage;

namespace SonicWeb.Jobs.Submission;

/// <summary>
/// Make one video: the two staged files, the parameters (already parsed and validated) and who asks.
/// The REST endpoint builds it from a multipart form, a page from its fields, a batch per pair.
/// </summary>
/// <param name="Name">The video's name as given; the photo's file name when blank (trimmed, control characters removed).</param>
/// <param name="Submitter">Who sent it, as free text, for jobs without an <paramref name="Owner"/> (the owner's display name wins).</param>
/// <param name="PreviewFirst">Render the first frame now and wait for a confirmation before the full job.</param>
/// <param name="Backend">The generation backend by name; null = the installation's default.</param>
/// <param name="BatchId">The batch the job belongs to (one message per batch instead of one per job).</param>
/// <param name="CallbackUrl">A webhook target already checked (Webhooks/WebhookTargets): the job's final status is POSTed there.</param>
/// <param name="Hold">Create the job <see cref="Data.JobStatus.Held"/> instead of queued: a batch releases its jobs once every pair passed its checks.</param>
public sealed record SubmitJob(
    UploadedFile Image,
    UploadedFile Audio,
    GenerationParameters Parameters,
    JobOwner? Owner,
    string? Name = null,
    string? Submitter = null,
    bool PreviewFirst = false,
    string? Backend = null,
    string? BatchId = null,
    bool Hold = false,
    string? CallbackUrl = null);
