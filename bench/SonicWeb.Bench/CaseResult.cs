namespace SonicWeb.Bench;

/// <summary>
/// What one child case measured; sent to the parent as one JSON line on stdout. Fields a case does not
/// measure stay null (and are left out of the JSON).
/// </summary>
public sealed record CaseResult
{
    public required string Case { get; init; }
    public int Resolution { get; init; }
    public int Width { get; init; }
    public int Height { get; init; }
    public int Frames { get; init; }
    public double AudioSeconds { get; init; }

    /// <summary>Seconds from the start of the measured work to its end (what the case's fps is based on).</summary>
    public double? ElapsedSeconds { get; init; }
    public double? Fps { get; init; }

    /// <summary>Pipeline: GenerationResult.StageSeconds; other cases: their own steps.</summary>
    public IReadOnlyDictionary<string, double>? StageSeconds { get; init; }

    /// <summary>Loading the analysis networks (AnalysisModels.Load), done once per process, outside a job.</summary>
    public double? ModelLoadSeconds { get; init; }
    public long? OutputBytes { get; init; }
    public int? Previews { get; init; }

    /// <summary>Model micro-timings: milliseconds per call, by name.</summary>
    public IReadOnlyDictionary<string, double>? CallMilliseconds { get; init; }
    public string? OrtVersion { get; init; }

    /// <summary>CPU seconds of the measured work: this process (all threads) and its ffmpeg children.</summary>
    public double? CpuSeconds { get; init; }
    public double? FfmpegCpuSeconds { get; init; }

    /// <summary>Pipeline: CPU seconds (this process and finished children) before the first frame was
    /// rendered: loading, face and audio analysis, the part render-only and encode-only do not do.</summary>
    public double? AnalysisCpuSeconds { get; init; }

    /// <summary>Pipeline: the same job run again in the same process (warm: JIT done, as in a running service).</summary>
    public double? WarmElapsedSeconds { get; init; }
    public double? WarmFps { get; init; }
    public IReadOnlyDictionary<string, double>? WarmStageSeconds { get; init; }
    /// <summary>CPU seconds of the warm job, .NET and ffmpeg together.</summary>
    public double? WarmCpuSeconds { get; init; }

    public MemoryPeaks? Memory { get; init; }

    /// <summary>Set by the parent: share of the machine's CPU (0..1) that other processes used while the case ran.</summary>
    public double? OtherLoad { get; init; }

    /// <summary>CPU milliseconds per frame, .NET and ffmpeg together.</summary>
    public double? CpuMsPerFrame => CpuSeconds is { } cpu && Frames > 0 ? (cpu + (FfmpegCpuSeconds ?? 0)) * 1000 / Frames : null;
}
