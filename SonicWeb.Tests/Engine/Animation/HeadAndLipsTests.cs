using SonicWeb.Engine.Animation;
using SonicWeb.Engine.Audio;

namespace SonicWeb.Tests.Engine.Animation;

/// <summary>Nods on stressed syllables and pressed lips at closures, on synthetic per-frame controls.</summary>
public class HeadAndLipsTests
{
    private const int Fps = 25, Frames = 150;
    private static readonly int[] SyllableStarts = [20, 45, 70, 95, 120];

    /// <summary>Quiet voiced murmur with a loud syllable (onset) every second.</summary>
    private static FrameControls Syllables(bool withSyllables = true) => new(Fps,
        Enumerable.Range(0, Frames).Select(i => withSyllables && SyllableStarts.Any(s => i >= s && i < s + 5) ? 0.85f : 0.2f).ToArray(),
        Enumerable.Repeat(1f, Frames).ToArray());

    /// <summary>Pitch with syllables minus pitch of the same seed without them: the nods alone.</summary>
    private static float[] Nods(float motionScale)
    {
        var settings = new AnimationSettings(MotionScale: motionScale, Seed: 11);
        var with = Animator.Animate(Syllables(), settings);
        var without = Animator.Animate(Syllables(withSyllables: false), settings);
        return with.Zip(without, (a, b) => a.Pitch - b.Pitch).ToArray();
    }

    [Fact]
    public void Head_nods_just_after_each_stressed_syllable_starts()
    {
        float[] nods = Nods(1f);
        foreach (int start in SyllableStarts)
        {
            int peak = Enumerable.Range(start - 5, 15).MaxBy(i => nods[i]);
            Assert.InRange(peak, start, start + 6); // within 240 ms after the onset, never before it
            Assert.True(nods[peak] > 0.02f, $"nod at {start}: {nods[peak]:F4} rad");
            Assert.True(MathF.Abs(nods[start - 2]) < 0.002f, $"moved before the onset at {start}: {nods[start - 2]:F4}");
        }
    }

    [Fact]
    public void Nods_scale_with_motion_scale_and_vanish_at_zero()
    {
        float[] normal = Nods(1f), double_ = Nods(2f), none = Nods(0f);
        Assert.Equal(2 * normal.Max(), double_.Max(), 3);
        Assert.All(Animator.Animate(Syllables(), new AnimationSettings(MotionScale: 0)), p =>
            Assert.True(p.Yaw == 0 && p.Pitch == 0 && p.Roll == 0 && p.ShiftX == 0 && p.ShiftY == 0));
        Assert.All(none, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Lips_press_before_a_phrase_that_starts_with_a_burst_but_not_before_a_soft_onset()
    {
        // 1 s pause, then a plosive-like start (silence to loud in one frame) vs a vowel-like rise over 5 frames.
        static FrameControls Phrase(bool abrupt) => new(Fps,
            Enumerable.Range(0, 60).Select(i => i < 25 ? 0f : abrupt ? 0.8f : MathF.Min(0.8f, 0.16f * (i - 24))).ToArray(),
            Enumerable.Range(0, 60).Select(i => i < 25 ? 0f : 1f).ToArray());
        var settings = new AnimationSettings(AlignMouth: false);
        var burst = Animator.Animate(Phrase(abrupt: true), settings);
        var soft = Animator.Animate(Phrase(abrupt: false), settings);
        float burstPress = burst.Skip(20).Take(5).Max(p => p.MouthPress), softPress = soft.Skip(20).Take(5).Max(p => p.MouthPress);
        Assert.True(burstPress > 0.5f, $"press before the burst {burstPress:F2}");
        Assert.True(softPress < 0.1f, $"press before the soft onset {softPress:F2}");
        Assert.All(burst.Take(15), p => Assert.Equal(0f, p.MouthPress)); // not through the whole pause
        Assert.All(burst.Where(p => p.MouthOpen > 0.3f), p => Assert.Equal(0f, p.MouthPress));
    }

    [Fact]
    public void A_murmur_heard_as_m_shuts_the_mouth_but_one_heard_as_n_only_half_closes_it_with_the_lips_apart()
    {
        // A loud phrase; frames 28-31 carry a formant-band occlusion and a murmur that the classifier
        // scored as m (Closed) or as n (Alveolar). Loudness stays high: only the spectrum tells them apart.
        static FrameControls Phrase(VisemeClass murmur)
        {
            const int n = 60;
            var visemes = VisemeWeights.Empty(n) with { Occlusion = new float[n] };
            for (int i = 28; i < 32; i++) { visemes.Of(murmur)[i] = 0.6f; visemes.Occlusion![i] = 1; }
            return new FrameControls(Fps, Enumerable.Range(0, n).Select(i => i < 10 ? 0f : 0.85f).ToArray(),
                Enumerable.Range(0, n).Select(i => i < 10 ? 0f : 1f).ToArray()) { Visemes = visemes };
        }
        var settings = new AnimationSettings(AlignMouth: false);
        var m = Animator.Animate(Phrase(VisemeClass.Closed), settings);
        var nasal = Animator.Animate(Phrase(VisemeClass.Alveolar), settings);
        float vowel = m.Skip(18).Take(6).Average(p => p.MouthOpen);
        float mOpen = m.Skip(28).Take(4).Min(p => p.MouthOpen), nOpen = nasal.Skip(28).Take(4).Min(p => p.MouthOpen);
        float mPress = m.Skip(28).Take(4).Max(p => p.MouthPress), nPress = nasal.Skip(28).Take(4).Max(p => p.MouthPress);
        Assert.True(mOpen < 0.05f * vowel, $"m: opening {mOpen:F3} of vowel {vowel:F3}");
        Assert.True(mPress > 0.5f, $"m: press {mPress:F2}");
        Assert.InRange(nOpen / vowel, 0.3f, 0.8f); // the jaw rises part way
        Assert.True(nPress < 0.1f, $"n: press {nPress:F2} (the lips stay apart)");
    }
    [Fact]
    public void A_closed_sounding_frame_shuts_the_mouth_only_when_it_is_quieter_than_the_vowels_around_it()
    {
        // A loud phrase; frames 28-31 score 0.35 on Closed (m's murmur) with no formant-band occlusion: as
        // loud as the frames around them (a vowel the classifier half-confuses with m, as on the Italian studio
        // prompt) or 6 dB quieter (a nasal murmur, which radiates through the nose, weaker than its vowels).
        static FrameControls Phrase(float murmurLoudness)
        {
            const int n = 60;
            var visemes = VisemeWeights.Empty(n) with { Occlusion = new float[n] };
            for (int i = 28; i < 32; i++) visemes.Closed[i] = 0.35f;
            return new FrameControls(Fps, Enumerable.Range(0, n).Select(i => i < 10 ? 0f : i is >= 28 and < 32 ? murmurLoudness : 0.85f).ToArray(),
                Enumerable.Range(0, n).Select(i => i < 10 ? 0f : 1f).ToArray()) { Visemes = visemes };
        }
        var settings = new AnimationSettings(AlignMouth: false);
        var loud = Animator.Animate(Phrase(0.85f), settings);
        var quiet = Animator.Animate(Phrase(0.65f), settings);
        float vowel = loud.Skip(18).Take(6).Average(p => p.MouthOpen);
        float loudOpen = loud.Skip(28).Take(4).Min(p => p.MouthOpen), quietOpen = quiet.Skip(28).Take(4).Min(p => p.MouthOpen);
        Assert.True(loudOpen > 0.9f * vowel, $"as loud as its vowels: opening {loudOpen:F3} of vowel {vowel:F3}");
        Assert.True(loud.Skip(28).Take(4).Max(p => p.MouthPress) < 0.05f, "as loud as its vowels: lips pressed");
        Assert.True(quietOpen < 0.1f * vowel, $"quieter murmur: opening {quietOpen:F3} of vowel {vowel:F3}");
        Assert.True(quiet.Skip(28).Take(4).Max(p => p.MouthPress) > 0.5f, "quieter murmur: lips not pressed");
    }
}
