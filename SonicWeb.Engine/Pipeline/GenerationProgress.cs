namespace SonicWeb.Engine.Pipeline;

public enum GenerationStage { Loading, AnalyzingFace, AnalyzingAudio, Rendering, Finalizing, Completed }

/// <summary>
/// A progress event from the pipeline. <see cref="PreviewJpeg"/> is set at most twice a second
/// (the latest rendered frame, downscaled), null otherwise.
/// </summary>
public sealed record GenerationProgress(
    GenerationStage Stage,
    int FramesDone,
    int FramesTotal,
    TimeSpan Elapsed,
    TimeSpan? Remaining,
    byte[]? PreviewJpeg)
{
    public double Fraction => FramesTotal <= 0 ? 0 : (double)FramesDone / FramesTotal;

    /// <summary>What the job waits for within its stage, in words (e.g. "waiting on GPU host: 2 ahead"); shown instead of the stage's name.</summary>
    public string? StageDetail { get; init; }

    /// <summary>The stage as the job's row, the hub and the pages show it.</summary>
    public string StageLabel => StageDetail ?? Stage.ToString();
}
