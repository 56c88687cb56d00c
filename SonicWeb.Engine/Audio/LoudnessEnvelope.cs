namespace SonicWeb.Engine.Audio;

/// <summary>
/// Loudness per video frame: RMS level in dB over a window centred on each frame, mapped to 0..1
/// between a floor and the clip's loud level, so quiet and loud recordings animate alike
/// (normalised per clip); the floor sits above the recording's own noise, so hiss is silence.
/// </summary>
public static class LoudnessEnvelope
{
    /// <summary>Levels this far below the clip's loud level (95th percentile) count as silence.</summary>
    public const float DynamicRangeDb = 36f;

    /// <summary>Absolute floor: anything quieter is silence whatever the clip's level.</summary>
    public const float AbsoluteFloorDb = -55f;

    /// <summary>
    /// A recording's own noise (radio hiss, room tone, a phone line) is silence too: levels up to this
    /// far above its noise floor (the 10th percentile of the frame levels) count as nothing, as long as
    /// that floor lies at least <see cref="MinSpeechRangeDb"/> below the loud level (otherwise the
    /// quietest tenth is speech, not noise).
    /// </summary>
    public const float NoiseMarginDb = 6f, MinSpeechRangeDb = 20f;

    public static float[] PerFrame(ReadOnlySpan<float> samples, int sampleRate, int fps, int frameCount)
    {
        var db = LevelsDb(samples, sampleRate, fps, frameCount);
        return Normalise(db);
    }

    /// <summary>RMS level in dBFS per frame (window = 2 frames wide, centred), -100 for digital silence.</summary>
    public static float[] LevelsDb(ReadOnlySpan<float> samples, int sampleRate, int fps, int frameCount)
    {
        var levels = new float[frameCount];
        double samplesPerFrame = (double)sampleRate / fps;
        int half = (int)Math.Round(samplesPerFrame);
        for (int f = 0; f < frameCount; f++)
        {
            int centre = (int)Math.Round((f + 0.5) * samplesPerFrame);
            int start = Math.Max(0, centre - half), end = Math.Min(samples.Length, centre + half);
            double sum = 0;
            for (int i = start; i < end; i++) sum += samples[i] * samples[i];
            double rms = end > start ? Math.Sqrt(sum / (end - start)) : 0;
            levels[f] = rms > 1e-5 ? (float)(20 * Math.Log10(rms)) : -100f;
        }
        return levels;
    }

    public static float[] Normalise(float[] levelsDb)
    {
        var result = new float[levelsDb.Length];
        if (levelsDb.Length == 0) return result;
        var sorted = (float[])levelsDb.Clone();
        Array.Sort(sorted);
        float loud = sorted[(int)Math.Min(sorted.Length - 1, Math.Round(0.95 * (sorted.Length - 1)))];
        float noise = sorted[(int)Math.Round(0.10 * (sorted.Length - 1))];
        float floor = Math.Max(AbsoluteFloorDb, loud - DynamicRangeDb);
        if (noise <= loud - MinSpeechRangeDb) floor = Math.Max(floor, Math.Min(noise + NoiseMarginDb, loud - MinSpeechRangeDb));
        if (loud <= floor) return result; // the whole clip is silence
        for (int i = 0; i < levelsDb.Length; i++)
            result[i] = Math.Clamp((levelsDb[i] - floor) / (loud - floor), 0f, 1f);
        return result;
    }
}
