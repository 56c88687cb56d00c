using SonicWeb.Engine.Audio;

namespace SonicWeb.Engine.Quality;

/// <summary>
/// What the audio says about each video frame, for judging a video: its level, whether the frame is
/// inside a pause, whether it is clear speech, and a 0..1 loudness. Computed from the recording alone
/// and relative to its own noise floor, so a noisy recording (radio hiss, room noise, a phone codec)
/// has pauses too: the hiss is the floor, not speech. Independent of how the animator normalises its
/// controls.
/// </summary>
/// <param name="LevelsDb">RMS level per frame (dBFS, 80 ms window centred on the frame).</param>
/// <param name="LoudDb">The clip's loud level (95th percentile of the frame levels).</param>
/// <param name="PauseDb">Below this a frame is quiet: the noise floor (10th percentile) + 8 dB, at least
/// <see cref="CleanPauseDepthDb"/> below the loud level, at most 18 dB below it.</param>
/// <param name="Loudness">0 at <paramref name="PauseDb"/>, 1 at <paramref name="LoudDb"/>.</param>
/// <param name="Pause">Quiet for <see cref="PauseMarginFrames"/> frames on both sides (the mouth may still be closing or leading nearby).</param>
/// <param name="Speech">Within <see cref="SpeechDepthDb"/> of the loud level and 6 dB above the pause level (and not a pause).</param>
public sealed record SpeechReference(float[] LevelsDb, float LoudDb, float PauseDb, float[] Loudness, bool[] Pause, bool[] Speech)
{
    public const int PauseMarginFrames = 3;
    public const float CleanPauseDepthDb = 35f, SpeechDepthDb = 25f;

    public int Frames => LevelsDb.Length;

    public static SpeechReference FromAudio(AudioClip audio, int fps, int frames)
        => FromLevels(LoudnessEnvelope.LevelsDb(audio.Samples, audio.SampleRate, fps, frames));

    public static SpeechReference FromLevels(float[] levelsDb)
    {
        int n = levelsDb.Length;
        var sorted = (float[])levelsDb.Clone();
        Array.Sort(sorted);
        float Percentile(double p) => n == 0 ? -100 : sorted[(int)Math.Round(p * (n - 1))];
        float loud = Percentile(0.95), floor = Math.Max(Percentile(0.10), loud - 60);
        float pauseDb = Math.Min(Math.Max(floor + 8, loud - CleanPauseDepthDb), loud - 18);
        float speechDb = Math.Max(loud - SpeechDepthDb, pauseDb + 6);
        var loudness = new float[n];
        var quiet = new bool[n];
        for (int i = 0; i < n; i++)
        {
            loudness[i] = Math.Clamp((levelsDb[i] - pauseDb) / Math.Max(1e-3f, loud - pauseDb), 0f, 1f);
            quiet[i] = levelsDb[i] < pauseDb;
        }
        var pause = new bool[n];
        var speech = new bool[n];
        for (int i = 0; i < n; i++)
        {
            bool all = true;
            for (int j = Math.Max(0, i - PauseMarginFrames); j <= Math.Min(n - 1, i + PauseMarginFrames) && all; j++) all = quiet[j];
            pause[i] = all;
            speech[i] = !all && levelsDb[i] >= speechDb;
        }
        return new SpeechReference(levelsDb, loud, pauseDb, loudness, pause, speech);
    }
}
