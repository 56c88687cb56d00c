using SonicWeb.Engine.Pipeline;

namespace SonicWeb.Engine.Backends;

/// <summary>
/// One way of turning a portrait and a recording into a talking-head video: the built-in CPU animator,
/// or (later) a remote GPU service such as ComfyUI running Sonic. Backends are registered by
/// <see cref="BackendDescription.Name"/> in <see cref="GenerationBackends"/> and chosen per job (the
/// job row's Backend column). Every backend checks the inputs through the shared
/// <see cref="InputAnalyser"/> (no face, audio too long, ... are refused the same way everywhere), and
/// throws <see cref="Errors.SonicEngineException"/> with the stable codes for what it refuses.
/// Implementations are thread-safe: one instance serves every job.
/// </summary>
public interface IGenerationBackend
{
    /// <summary>Name, parameters honoured, limits and the time-estimate prior.</summary>
    BackendDescription Description { get; }

    /// <summary>Checks and analyses the inputs and estimates the run, without making anything.</summary>
    Task<InspectionResult> InspectAsync(string imagePath, string audioPath, GenerationParameters parameters, CancellationToken ct = default);

    /// <summary>
    /// Inspects the inputs and renders the first frame as the video will frame it, cheaply enough to
    /// run while the user waits ("preview first").
    /// </summary>
    Task<PreviewResult> RenderPreviewAsync(string imagePath, string audioPath, GenerationParameters parameters, CancellationToken ct = default);

    /// <summary>
    /// Makes the MP4 at <see cref="GenerationRequest.OutputPath"/>. Reports stages, frames done / total
    /// and preview JPEGs to <paramref name="progress"/> without ever waiting for it. Cancellation stops
    /// the work promptly and leaves no partial file.
    /// </summary>
    Task<GenerationResult> GenerateAsync(GenerationRequest request, IProgress<GenerationProgress>? progress = null, CancellationToken ct = default);
}
