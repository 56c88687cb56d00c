using SonicWeb.Engine.Audio;

namespace SonicWeb.Engine.Animation;

/// <summary>
/// Mouth opening and width per frame. Loudness (gated by voice activity) sets how far the jaw drops;
/// the viseme weights then shape it: open vowels drop it further, spread vowels (i, e) open it less
/// and widen the lips, rounded vowels (o, u) open it less and pull the corners in, and a voiced
/// closure (m, a murmur quieter than the vowels around it) presses the lips shut, while an alveolar one (n, l) only raises
/// the jaw part way with the lips apart. Stops (p, b) close the mouth through
/// their silent closure in the loudness curve, which is why the release is fast enough to show it; a stop whose
/// release burst is the tongue's (t, d) keeps the lips apart through the same silence.
/// </summary>
internal static class MouthShape
{
    /// <param name="Press">0..1, lips squeezed shut (shown thinner), for closures inside phrases and at their start.</param>
    /// <param name="Closure">0..1, parted lips of the photo brought together: through every pause, and at closures.</param>
    public sealed record Curves(float[] Open, float[] Width, float[] Press, float[] Closure);

    /// <summary>Lips close over a smile's teeth within ~3 frames of the voice stopping, and part within ~2 when it resumes.</summary>
    public const double RestCloseSeconds = 0.06, RestOpenSeconds = 0.03;

    // How strongly each class reshapes the mouth (fractions of the loudness-driven opening / of MouthWidth's range).
    private const float OpenBoost = 0.35f, SpreadCut = 0.4f, RoundCut = 0.35f, ClosurePress = 1.0f;
    private const float SpreadWidth = 0.7f, RoundWidth = -0.9f, JawWidth = -0.15f;

    /// <summary>Share of the jaw opening kept through an alveolar occlusion (n, l, t, d heard with the tongue closing).</summary>
    private const float AlveolarJawOpen = 0.6f;

    public static Curves Generate(FrameControls controls, AnimationSettings settings)
    {
        int n = controls.FrameCount, fps = controls.Fps;
        var visemes = controls.Visemes ?? VisemeWeights.Empty(n);
        if (visemes.FrameCount != n)
            throw new ArgumentException($"Loudness has {n} frames but the viseme weights have {visemes.FrameCount}.", nameof(controls));
        // Slight centred smoothing: single-frame classification flicker would make the lips twitch.
        float[] open = CurveFilters.GaussianCentred(visemes.Open, 0.6);
        float[] spread = CurveFilters.GaussianCentred(visemes.Spread, 0.6);
        float[] round = CurveFilters.GaussianCentred(visemes.Rounded, 0.6);
        float[] closed = CurveFilters.GaussianCentred(visemes.Closed, 0.5);
        float[] alveolar = CurveFilters.GaussianCentred(visemes.Alveolar, 0.5);

        float[] speech = SpeechGate(controls);
        var target = new float[n];
        var press = new float[n];
        var jawClose = new float[n];
        var width = new float[n];
        for (int i = 0; i < n; i++)
        {
            float gate = speech[i];
            // Loudness above a small floor, compressed so quiet syllables still move the jaw visibly.
            float level = Math.Clamp((controls.Loudness[i] - 0.06f) / 0.94f, 0f, 1f);
            float jaw = settings.DynamicScale * 0.85f * MathF.Pow(level, 0.7f) * gate;
            float shapeFactor = 1 + OpenBoost * open[i] - SpreadCut * spread[i] - RoundCut * round[i];
            target[i] = Math.Clamp(jaw * shapeFactor, 0f, 1f);
            // Closures: an m heard as a nasal murmur, or the short silent hold of p/b inside a phrase
            // (a dip of the loudness below both neighbours two frames away). (Thresholds 0.12-0.36: the
            // Alveolar class takes a share of an m's likelihood, about a tenth of its Closed weight.)
            // A nasal murmur radiates through the nose and is weaker than the vowels around it: a frame as
            // loud as the loudest within 120 ms is a vowel whatever its Closed weight (some voices' vowels,
            // e.g. the Italian studio prompt's, score 0.2-0.35 on Closed and were shut at full loudness).
            float murmur = CurveFilters.SmoothStep(0.12f, 0.36f, closed[i]) * QuieterThanNeighbours(controls.Loudness, i);
            float occlusion = visemes.Occlusion?[i] ?? 0;
            // The formant dip of an occlusion is also heard on n and l, where the tongue tip closes the
            // tract and the lips stay apart: when a voiced frame sounds alveolar and not like m's murmur,
            // the lips do not press and the jaw only partly closes. The silent hold of a stop (p, b, and
            // t, d alike: quiet, its spectrum says nothing) keeps the full closure.
            float tongue = CurveFilters.SmoothStep(0.15f, 0.4f, alveolar[i])
                           * (1 - CurveFilters.SmoothStep(0.05f, 0.2f, closed[i]))
                           * CurveFilters.SmoothStep(0.2f, 0.4f, controls.Loudness[i]);
            float dip = LoudnessDip(controls.Loudness, i);
            // The silent hold of a t or d is a dip like p's and b's; its release burst, heard within the next
            // two frames, says the tongue made it: the lips stay apart and the jaw only partly closes.
            float tip = ReleasedByTongue(visemes.TongueRelease, i);
            press[i] = Math.Clamp(ClosurePress * MathF.Max(MathF.Max(murmur, occlusion * (1 - tongue)), dip) * (1 - tip) * gate, 0f, 1f);
            jawClose[i] = MathF.Max(press[i], Math.Clamp(MathF.Max(occlusion, dip) * (1 - AlveolarJawOpen * MathF.Max(tongue, tip)) * gate, 0f, 1f));
            width[i] = gate * (SpreadWidth * spread[i] + RoundWidth * round[i]);
        }

        // Where the voice has stopped (no speech, nothing heard) the jaw closes in ~3 frames rather than ~6.
        var stopped = new float[n];
        for (int i = 0; i < n; i++) stopped[i] = speech[i] < 0.5f && controls.Loudness[i] < 0.05f ? 1 : 0;
        float[] mouth = CurveFilters.AttackRelease(target, fps, Animator.MouthAttackSeconds, Animator.MouthReleaseSeconds, Animator.MouthStopSeconds, stopped);
        // The lips press shut as fast as they open (a closure lasts only 2-3 frames), after the jaw envelope.
        for (int i = 0; i < n; i++) mouth[i] *= 1 - jawClose[i];
        // The visible squeeze: closures inside phrases, plus a phrase that starts with a closure (p, b,
        // m after a pause), where the lips press just before the sound.
        float[] squeeze = PhraseStartPress(controls, closed, speech, visemes.TongueRelease);
        for (int i = 0; i < n; i++) squeeze[i] = MathF.Max(squeeze[i], press[i]);
        squeeze = CurveFilters.GaussianCentred(squeeze, 0.6);
        if (settings.SmoothMotion)
        {
            mouth = CurveFilters.GaussianCentred(mouth, 0.45 * fps / 25.0); // de-jitter, zero phase
            width = CurveFilters.GaussianCentred(width, 0.8 * fps / 25.0);
        }
        if (settings.AlignMouth)
        {
            int lead = (int)Math.Round(Animator.MouthLeadSeconds * fps);
            mouth = CurveFilters.ShiftEarlier(mouth, lead);
            width = CurveFilters.ShiftEarlier(width, lead);
            squeeze = CurveFilters.ShiftEarlier(squeeze, lead);
        }
        for (int i = 0; i < n; i++)
        {
            if (mouth[i] < 0.01f) mouth[i] = 0; // fully closed at rest, not a sliver open
            // Opening the jaw pulls the corners in a little on any vowel.
            width[i] = Math.Clamp(width[i] + JawWidth * mouth[i], -1f, 1f);
        }
        // Lips at rest: wherever there is no speech, the lips meet (a smiling photo's teeth are covered
        // by the lips, moved there by the warp), and they part again as the next phrase starts. Closures
        // inside speech (p, b, m) bring them together as well.
        var rest = new float[n];
        for (int i = 0; i < n; i++) rest[i] = 1 - CurveFilters.SmoothStep(0.1f, 0.35f, speech[i]);
        float[] closure = CurveFilters.AttackRelease(rest, fps, RestCloseSeconds, RestOpenSeconds);
        if (settings.AlignMouth) closure = CurveFilters.ShiftEarlier(closure, (int)Math.Round(Animator.MouthLeadSeconds * fps));
        for (int i = 0; i < n; i++) squeeze[i] = Math.Clamp(squeeze[i] * (1 - 4 * mouth[i]), 0f, 1f); // an open mouth is not pressed
        for (int i = 0; i < n; i++) closure[i] = Math.Clamp(MathF.Max(closure[i] * (1 - 3 * mouth[i]), 1.6f * squeeze[i]), 0f, 1f);
        return new Curves(mouth, width, squeeze, closure);
    }

    /// <summary>
    /// 0..1 press over the ~120 ms before a phrase that starts with a closure: a pause (gate near 0)
    /// followed by speech whose first voiced frames are a nasal murmur (m) or an abrupt burst (p, b: the
    /// loudness jumps from silence to above half within one frame; a vowel or fricative onset rises
    /// over several frames). The lips are shut in the pause already; this makes them visibly press.
    /// </summary>
    private static float[] PhraseStartPress(FrameControls controls, float[] closed, float[] speech, float[]? tongueRelease)
    {
        int n = controls.FrameCount, fps = controls.Fps;
        int hold = Math.Max(2, (int)Math.Round(0.12 * fps)), pause = Math.Max(3, (int)Math.Round(0.25 * fps));
        var press = new float[n];
        for (int i = pause; i < n - 1; i++)
        {
            if (speech[i] < 0.5f || speech[i - 1] >= 0.5f) continue; // not a phrase start
            bool quietBefore = true;
            for (int k = i - pause; k < i - 1 && quietBefore; k++) quietBefore = controls.Loudness[k] < 0.08f;
            if (!quietBefore) continue;
            // A burst the tongue made (t, d; or an s starting from silence) is not a closure of the lips.
            float burst = CurveFilters.SmoothStep(0.35f, 0.6f, controls.Loudness[i] - controls.Loudness[i - 1]) * (1 - ReleasedByTongue(tongueRelease, i - 1));
            float murmur = CurveFilters.SmoothStep(0.15f, 0.4f, MathF.Max(closed[i], closed[i + 1]));
            float strength = MathF.Max(burst, murmur);
            for (int k = 1; k <= hold && i - k >= 0; k++)
                press[i - k] = MathF.Max(press[i - k], strength);
        }
        return press;
    }

    /// <summary>0..1, a tongue's release (t, d) in frame i or the two after it: frame i may be that stop's hold.</summary>
    private static float ReleasedByTongue(float[]? release, int i)
    {
        if (release == null) return 0;
        float most = 0;
        for (int k = i; k <= Math.Min(release.Length - 1, i + 2); k++) most = MathF.Max(most, release[k]);
        return most;
    }

    /// <summary>
    /// 0..1, how far frame i's loudness falls below the lower of its neighbours' peaks (within two
    /// frames each side): a stop closure inside a loud phrase is a 40-100 ms dip, too short for the
    /// jaw envelope to follow, so the lips are pressed for it explicitly.
    /// </summary>
    private static float LoudnessDip(float[] loudness, int i)
    {
        int n = loudness.Length;
        float before = 0, after = 0;
        for (int k = 1; k <= 2; k++)
        {
            before = MathF.Max(before, loudness[Math.Max(0, i - k)]);
            after = MathF.Max(after, loudness[Math.Min(n - 1, i + k)]);
        }
        float depth = MathF.Min(before, after) - loudness[i];
        return CurveFilters.SmoothStep(0.12f, 0.3f, depth);
    }

    /// <summary>
    /// 0..1, how much quieter frame i is than the loudest frame within <see cref="MurmurReachFrames"/> either
    /// side (0 when it is that loudest frame or within <see cref="MurmurMinDrop"/> of it, 1 from
    /// <see cref="MurmurFullDrop"/> below it). Either side counts, so an m that starts or ends a phrase passes.
    /// </summary>
    private static float QuieterThanNeighbours(float[] loudness, int i)
    {
        int n = loudness.Length;
        float peak = 0;
        for (int k = Math.Max(0, i - MurmurReachFrames); k <= Math.Min(n - 1, i + MurmurReachFrames); k++) peak = MathF.Max(peak, loudness[k]);
        return CurveFilters.SmoothStep(MurmurMinDrop, MurmurFullDrop, peak - loudness[i]);
    }

    /// <summary>An m murmur is several dB below its vowels: on the normalised loudness (about 36 dB full range),
    /// 0.04 is ~1.5 dB, 0.15 ~5 dB; the window is 120 ms either side (a syllable).</summary>
    private const float MurmurMinDrop = 0.04f, MurmurFullDrop = 0.15f;
    private const int MurmurReachFrames = 3;

    /// <summary>
    /// 0..1 speech gate. Voice activity decides where speech starts, but the detector (trained on
    /// natural speech) loses confidence during long steady sounds such as a held vowel; so a stretch
    /// stays "speech" as long as it stays loud once the detector has confirmed it (held both forwards
    /// and backwards, so an onset is not clipped either). Quiet breaths and noise never pass.
    /// </summary>
    private static float[] SpeechGate(FrameControls controls)
    {
        int n = controls.FrameCount;
        var gate = new float[n];
        for (int i = 0; i < n; i++) gate[i] = CurveFilters.SmoothStep(0.25f, 0.6f, controls.VoiceActivity[i]);
        for (int i = 1; i < n; i++)
            if (controls.Loudness[i] > HoldLoudness) gate[i] = MathF.Max(gate[i], gate[i - 1]);
        for (int i = n - 2; i >= 0; i--)
            if (controls.Loudness[i] > HoldLoudness) gate[i] = MathF.Max(gate[i], gate[i + 1]);
        return gate;
    }

    /// <summary>Loudness above which a confirmed speech stretch is held through a voice-activity drop.</summary>
    private const float HoldLoudness = 0.3f;
}
