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
}
