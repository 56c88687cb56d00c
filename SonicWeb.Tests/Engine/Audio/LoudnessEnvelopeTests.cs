using SonicWeb.Engine.Audio;

namespace SonicWeb.Tests.Engine.Audio;

public class LoudnessEnvelopeTests
{
    [Fact]
    public void Tone_bursts_are_loud_and_gaps_silent_whatever_the_recording_level()
    {
        foreach (var amplitude in new[] { 0.9f, 0.05f })
        {
            // 1 s tone, 1 s silence, 1 s tone at 16 kHz.
            var samples = new float[48000];
            for (int i = 0; i < samples.Length; i++)
                if (i < 16000 || i >= 32000) samples[i] = amplitude * MathF.Sin(2 * MathF.PI * 220 * i / 16000f);
            var env = LoudnessEnvelope.PerFrame(samples, 16000, 25, 75);
            Assert.Equal(75, env.Length);
            Assert.All(env[2..23], v => Assert.True(v > 0.9f, $"tone frame {v}"));
            Assert.All(env[28..48], v => Assert.Equal(0f, v));
            Assert.All(env[52..73], v => Assert.True(v > 0.9f));
        }
    }

    [Fact]
    public void Digital_silence_gives_all_zeros()
    {
        Assert.All(LoudnessEnvelope.PerFrame(new float[16000], 16000, 25, 25), v => Assert.Equal(0f, v));
    }
}
