using SonicWeb.Engine.Faces;
using SonicWeb.Engine.Rendering;

namespace SonicWeb.Engine.Pipeline;

/// <summary>One video to make: the two inputs, where the MP4 goes and the user's parameters.</summary>
public sealed record GenerationRequest(string ImagePath, string AudioPath, string OutputPath, GenerationParameters Parameters);

/// <summary>What a finished run produced. <see cref="StageSeconds"/> is keyed by <see cref="GenerationStage"/> name.</summary>
public sealed record GenerationResult(
    string OutputPath,
    int Frames,
    int Fps,
    int Width,
    int Height,
    double DurationSeconds,
    double ElapsedSeconds,
    int Seed,
    IReadOnlyList<string> Warnings,
    IReadOnlyDictionary<string, double> StageSeconds);

/// <summary>What a backend learns from the inputs without rendering (the CLI's inspect verb, the upload check, the web form).</summary>
public sealed record InspectionResult(
    int ImageWidth,
    int ImageHeight,
    FaceAnalysis Face,
    double AudioSeconds,
    double VideoSeconds,
    FrameLayout Layout,
    double EstimatedSeconds,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Frames of the video at <see cref="GenerationParameters.Fps"/>.</summary>
    public int FrameCount => GenerationParameters.FrameCountFor(VideoSeconds);
}

/// <summary>The first frame as the video will frame it (a JPEG), plus everything inspecting the inputs learns.</summary>
public sealed record PreviewResult(InspectionResult Inspection, byte[] Jpeg, int Width, int Height);
