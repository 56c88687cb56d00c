using SonicWeb.Engine.Animation;

namespace SonicWeb.Tests.Engine.Animation;

public class AnimatorTests
{
    private const int Fps = 25;

    private static FrameControls Controls(Func<int, float> loudness, Func<int, float> voice, int frames)
        => new(Fps, Enumerable.Range(0, frames).Select(loudness).ToArray(), Enumerable.Range(0, frames).Select(voice).ToArray());

    /// <summary>Syllable-like speech: loudness pulses at ~4 Hz, full voice activity.</summary>
    private static FrameControls Speech(int frames) => Controls(i => 0.55f + 0.4f * MathF.Sin(i * 1.0f), _ => 1f, frames);

    [Fact]
    public void Silence_keeps_the_mouth_closed()
    {
        var poses = Animator.Animate(Controls(_ => 0f, _ => 0f, 100), new AnimationSettings());
        Assert.All(poses, p => Assert.True(p.MouthOpen < 0.01f));
    }

    [Fact]
    public void Loud_noise_without_voice_keeps_the_mouth_closed()
    {
        var poses = Animator.Animate(Controls(_ => 0.8f, _ => 0.05f, 100), new AnimationSettings());
        Assert.All(poses, p => Assert.True(p.MouthOpen < 0.01f));
    }

    [Fact]
    public void Loud_speech_opens_the_mouth()
    {
        var poses = Animator.Animate(Controls(_ => 0.85f, _ => 1f, 50), new AnimationSettings());
        Assert.True(poses.Skip(5).Average(p => p.MouthOpen) > 0.3f);
        Assert.All(poses, p => Assert.InRange(p.MouthOpen, 0f, 1f));
    }

    [Fact]
    public void Dynamic_scale_scales_the_opening()
    {
        var controls = Controls(_ => 0.5f, _ => 1f, 50);
        float low = Animator.Animate(controls, new AnimationSettings(DynamicScale: 1.0f))[30].MouthOpen;
        float high = Animator.Animate(controls, new AnimationSettings(DynamicScale: 1.2f))[30].MouthOpen;
        Assert.True(high > low * 1.15f, $"{high} vs {low}");
    }

    [Fact]
    public void Mouth_opens_faster_than_it_closes()
    {
        // 1 s silence, 1 s speech, 1 s silence; no smoothing or lead, to see the raw envelope.
        var controls = Controls(i => i is >= 25 and < 50 ? 0.8f : 0f, i => i is >= 25 and < 50 ? 1f : 0f, 75);
        var mouth = Animator.Animate(controls, new AnimationSettings(AlignMouth: false, SmoothMotion: false)).Select(p => p.MouthOpen).ToArray();
        float peak = mouth[49];
        int attackFrames = Enumerable.Range(25, 25).First(i => mouth[i] >= 0.9f * peak) - 25 + 1;
        int releaseFrames = Enumerable.Range(50, 25).First(i => mouth[i] <= 0.1f * peak) - 50 + 1;
        Assert.True(attackFrames <= 2, $"attack {attackFrames} frames");
        Assert.True(releaseFrames > attackFrames, $"release {releaseFrames} vs attack {attackFrames}");
    }

    [Fact]
    public void Align_mouth_leads_the_sound_by_one_frame_at_25_fps()
    {
        var controls = Controls(i => i >= 25 ? 0.8f : 0f, i => i >= 25 ? 1f : 0f, 50);
        var aligned = Animator.Animate(controls, new AnimationSettings(AlignMouth: true, SmoothMotion: false));
        var plain = Animator.Animate(controls, new AnimationSettings(AlignMouth: false, SmoothMotion: false));
        Assert.Equal(0f, plain[24].MouthOpen);
        Assert.True(aligned[24].MouthOpen > 0.3f);
        for (int i = 0; i < 48; i++) Assert.Equal(plain[i + 1].MouthOpen, aligned[i].MouthOpen);
    }

    [Fact]
    public void Smoothing_does_not_delay_the_mouth()
    {
        var controls = Controls(i => i is >= 25 and < 35 ? 0.8f : 0f, i => i is >= 25 and < 35 ? 1f : 0f, 60);
        var raw = Animator.Animate(controls, new AnimationSettings(AlignMouth: false, SmoothMotion: false)).Select(p => p.MouthOpen).ToArray();
        var smooth = Animator.Animate(controls, new AnimationSettings(AlignMouth: false, SmoothMotion: true)).Select(p => p.MouthOpen).ToArray();
        double Centroid(float[] m) => m.Select((v, i) => v * (double)i).Sum() / m.Sum();
        Assert.True(Math.Abs(Centroid(smooth) - Centroid(raw)) < 0.3, $"{Centroid(smooth)} vs {Centroid(raw)}");
    }

    [Fact]
    public void Same_seed_gives_identical_poses()
    {
        var a = Animator.Animate(Speech(500), new AnimationSettings(Seed: 42));
        var b = Animator.Animate(Speech(500), new AnimationSettings(Seed: 42));
        Assert.Equal(a, b);
    }

    [Fact]
    public void Different_seeds_move_the_head_differently()
    {
        var a = Animator.Animate(Speech(500), new AnimationSettings(Seed: 1));
        var b = Animator.Animate(Speech(500), new AnimationSettings(Seed: 2));
        double yawDiff = a.Zip(b).Average(p => Math.Abs(p.First.Yaw - p.Second.Yaw));
        Assert.True(yawDiff > 0.005, $"mean yaw difference {yawDiff}");
        Assert.Equal(a.Select(p => p.MouthOpen), b.Select(p => p.MouthOpen)); // the mouth follows the audio only
    }

    [Fact]
    public void Head_moves_a_little_at_default_scale()
    {
        var poses = Animator.Animate(Speech(500), new AnimationSettings());
        float maxYaw = poses.Max(p => Math.Abs(p.Yaw)), maxPitch = poses.Max(p => Math.Abs(p.Pitch));
        Assert.InRange(maxYaw, 0.01f, 0.2f);
        Assert.InRange(maxPitch, 0.01f, 0.2f);
        Assert.True(poses.Max(p => Math.Abs(p.Roll)) < 0.1f);
        Assert.True(poses.Max(p => Math.Abs(p.ShiftX)) < 0.05f);
    }

    [Fact]
    public void Motion_scale_zero_freezes_the_head_exactly()
    {
        var poses = Animator.Animate(Speech(500), new AnimationSettings(MotionScale: 0));
        Assert.All(poses, p =>
        {
            Assert.Equal(0f, p.Yaw); Assert.Equal(0f, p.Pitch); Assert.Equal(0f, p.Roll);
            Assert.Equal(0f, p.ShiftX); Assert.Equal(0f, p.ShiftY);
        });
        Assert.Contains(poses, p => p.MouthOpen > 0.3f);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(123)]
    public void Blinks_come_every_2_to_6_seconds_and_close_fully(int seed)
    {
        var poses = Animator.Animate(Speech(60 * Fps), new AnimationSettings(Seed: seed));
        var closedFrames = Enumerable.Range(0, poses.Length).Where(i => poses[i].Blink >= 0.99f).ToList();
        var starts = closedFrames.Where((f, k) => k == 0 || f - closedFrames[k - 1] > 1).ToList();
        Assert.InRange(starts.Count, 60 / 6 - 1, 60 / 2 + 1);
        var gaps = starts.Zip(starts.Skip(1), (a, b) => (b - a) / (double)Fps).ToList();
        Assert.All(gaps, g => Assert.InRange(g, 1.9, 6.1));
        // Each blink is short: fewer than 8 frames (320 ms) away from fully open around each closure.
        foreach (int s in starts)
        {
            int first = s, last = s;
            while (first > 0 && poses[first - 1].Blink > 0) first--;
            while (last < poses.Length - 1 && poses[last + 1].Blink > 0) last++;
            Assert.InRange(last - first + 1, 3, 8);
            Assert.True(s - first < last - s, "closing should be faster than opening");
        }
    }
}
