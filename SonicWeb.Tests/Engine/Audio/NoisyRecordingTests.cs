using SonicWeb.Engine.Animation;
using SonicWeb.Engine.Audio;
using SonicWeb.Engine.Quality;

namespace SonicWeb.Tests.Engine.Audio;

/// <summary>A recording with hiss under its pauses (radio, room tone, a phone line): the hiss is silence.</summary>
public class NoisyRecordingTests
{
    private const int Rate = 16000, Fps = 25;

    /// <summary>1 s tone, 1 s of hiss only, 1 s tone; white noise 28 dB below the tone throughout.</summary>
    private static float[] TonesOverHiss()
    {
        var random = new Random(3);
        var samples = new float[3 * Rate];
        // Uniform noise in [-a, a] has RMS a / sqrt 3; the tone's RMS is tone / sqrt 2: the hiss sits 28 dB below.
        float tone = 0.5f, hiss = tone / MathF.Sqrt(2) * MathF.Pow(10, -28 / 20f) * MathF.Sqrt(3);
        for (int i = 0; i < samples.Length; i++)
        {
            float noise = hiss * (float)(random.NextDouble() * 2 - 1);
            samples[i] = noise + (i < Rate || i >= 2 * Rate ? tone * MathF.Sin(2 * MathF.PI * 220 * i / Rate) : 0);
        }
        return samples;
    }

    [Fact]
    public void The_animators_loudness_is_zero_in_the_hiss_between_phrases()
    {
        var loudness = LoudnessEnvelope.PerFrame(TonesOverHiss(), Rate, Fps, 75);
        Assert.All(loudness[28..48], v => Assert.True(v < 0.02f, $"hiss frame {v:0.000}"));
        Assert.All(loudness[2..23], v => Assert.True(v > 0.9f, $"tone frame {v:0.000}"));
    }

    [Fact]
    public void The_quality_reference_finds_the_pause_under_the_hiss()
    {
        var levels = LoudnessEnvelope.LevelsDb(TonesOverHiss(), Rate, Fps, 75);
        var speech = SpeechReference.FromLevels(levels);
        int pauses = speech.Pause.Count(p => p), inGap = Enumerable.Range(25, 25).Count(i => speech.Pause[i]);
        Assert.True(inGap >= 15, $"only {inGap} of the 25 hiss frames are a pause");
        Assert.Equal(inGap, pauses); // and nothing in the tones
        Assert.True(Enumerable.Range(3, 20).All(i => speech.Speech[i]), "the tone is speech");
    }

    [Fact]
    public void Lips_come_together_in_pauses_and_part_for_speech()
    {
        // 1 s speech, 1 s pause, 1 s speech. The jaw takes ~8 frames to settle (85 ms release from a wide opening);
        // the lips meet once it has.
        var controls = new FrameControls(Fps,
            Enumerable.Range(0, 75).Select(i => i is >= 25 and < 50 ? 0f : 0.8f).ToArray(),
            Enumerable.Range(0, 75).Select(i => i is >= 25 and < 50 ? 0f : 1f).ToArray());
        var poses = Animator.Animate(controls, new AnimationSettings());
        Assert.All(poses[34..47], p => Assert.True(p.LipClosure > 0.9f, $"lips apart in the pause ({p.LipClosure:0.00})"));
        Assert.All(poses[5..20], p => Assert.True(p.LipClosure < 0.05f, $"lips closed while speaking ({p.LipClosure:0.00})"));
        Assert.All(poses[54..70], p => Assert.True(p.LipClosure < 0.05f));
    }
}
