using SonicWeb.Engine.Pipeline;
using SonicWeb.Jobs;
using SonicWeb.Storage;

namespace SonicWeb.Batches;

/// <summary>
/// Make one video per recording, grouped: staged files (one portrait and recordings, or a zip) in
/// <paramref name="Folder"/>, the parameters every pair gets (already parsed and validated), and who asks.
/// </summary>
/// <param name="Name">The batch's name as given; when blank, the zip's name or "photo × N recordings".</param>
/// <param name="PreviewFirst">Asked for "preview first", which batches do not offer (refused).</param>
/// <param name="Backend">The generation backend every pair uses (field or preset key "backend"); null = the default.</param>
public sealed record SubmitBatch(
    string Folder,
    IReadOnlyList<UploadedFile> Images,
    IReadOnlyList<UploadedFile> Audios,
    UploadedFile? Archive,
    GenerationParameters Parameters,
    JobOwner Owner,
    string? Name = null,
    bool PreviewFirst = false,
    string? Backend = null);
