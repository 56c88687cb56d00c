namespace SonicWeb.Engine.Audio;

/// <summary>
/// Decoded audio for analysis: mono float samples in [-1, 1] at <see cref="SampleRate"/> (16 kHz).
/// <see cref="DurationSeconds"/> is the source file's duration as probed (the output video matches it).
/// </summary>
public sealed record AudioClip(float[] Samples, int SampleRate, double DurationSeconds)
{
    public const int AnalysisSampleRate = 16000;
}
