namespace SonicWeb.Engine.Animation;

/// <summary>
/// Turns per-frame audio controls into per-frame face poses. Everything is computed over the whole
/// clip at once, so smoothing can be centred (no lag) and the mouth can lead the sound.
/// </summary>
public static class Animator
{
    /// <summary>
    /// How far the mouth leads the sound when AlignMouth is on: 40 ms (one frame at 25 fps). Lips and
    /// jaw start moving before the sound they shape is heard, and viewers judge a mouth that trails the
    /// audio as out of sync much sooner than one that slightly leads it.
    /// </summary>
    public const double MouthLeadSeconds = 0.040;

    /// <summary>Mouth opening time constants: opens within 1-2 frames, closes over ~3-4 frames.</summary>
    public const double MouthAttackSeconds = 0.020, MouthReleaseSeconds = 0.085;

    /// <summary>Release once the voice has stopped (a pause begins): the lips meet within ~3 frames.</summary>
    public const double MouthStopSeconds = 0.04;

    // Head motion amplitudes at MotionScale 1 (radians / fraction of face size): small, like a calm speaker.
    private const float YawAmplitude = 0.055f, PitchAmplitude = 0.035f, RollAmplitude = 0.025f;
    private const float ShiftAmplitude = 0.012f;
    // Extra nod on stressed, loud moments (radians of pitch at full emphasis).
    private const float NodAmplitude = 0.045f;

    public static FacePose[] Animate(FrameControls controls, AnimationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(controls);
        ArgumentNullException.ThrowIfNull(settings);
        int n = controls.Loudness.Length;
        if (controls.VoiceActivity.Length != n)
            throw new ArgumentException($"Loudness has {n} frames but VoiceActivity has {controls.VoiceActivity.Length}.", nameof(controls));
        if (controls.Fps <= 0) throw new ArgumentOutOfRangeException(nameof(controls), "Fps must be positive.");
        int fps = controls.Fps;

        var shape = MouthShape.Generate(controls, settings);
        float[] blink = Blinks.Generate(n, fps, settings.Seed);
        var head = HeadMotion.Generate(controls, settings);

        var poses = new FacePose[n];
        for (int i = 0; i < n; i++)
            poses[i] = new FacePose(shape.Open[i], shape.Width[i], blink[i],
                head.Yaw[i], head.Pitch[i], head.Roll[i], head.ShiftX[i], head.ShiftY[i], shape.Press[i], shape.Closure[i]);
        return poses;
    }

    /// <summary>Head curves: idle sway (seeded smooth noise) plus nods on stressed syllables (loudness onsets).</summary>
    private sealed record HeadCurves(float[] Yaw, float[] Pitch, float[] Roll, float[] ShiftX, float[] ShiftY);

    private static class HeadMotion
    {
        public static HeadCurves Generate(FrameControls controls, AnimationSettings settings)
        {
            int n = controls.Loudness.Length, fps = controls.Fps;
            float scale = settings.MotionScale;
            if (scale == 0)
                return new HeadCurves(new float[n], new float[n], new float[n], new float[n], new float[n]);

            var rng = SeededRandom.For(settings.Seed, "head");
            float[] yaw = SmoothNoise.Generate(n, fps, 2.6, rng);
            float[] pitch = SmoothNoise.Generate(n, fps, 2.1, rng);
            float[] roll = SmoothNoise.Generate(n, fps, 3.0, rng);
            float[] shiftX = SmoothNoise.Generate(n, fps, 3.3, rng);
            float[] shiftY = SmoothNoise.Generate(n, fps, 2.8, rng);
            float[] emphasis = Emphasis(controls, settings.SmoothMotion);
            float[] activity = CurveFilters.GaussianCentred(controls.VoiceActivity, 0.5 * fps);

            for (int i = 0; i < n; i++)
            {
                // A speaker moves more while talking than while listening. A nod also deepens the current
                // turn a little (tanh, not sign: no jump when the sway crosses the centre).
                float liveliness = 0.55f + 0.45f * activity[i];
                yaw[i] = scale * (YawAmplitude * liveliness * yaw[i] + 0.25f * NodAmplitude * emphasis[i] * MathF.Tanh(4 * yaw[i]));
                pitch[i] = scale * (PitchAmplitude * liveliness * pitch[i] + NodAmplitude * emphasis[i]);
                roll[i] = scale * RollAmplitude * liveliness * roll[i];
                shiftX[i] = scale * ShiftAmplitude * liveliness * shiftX[i];
                shiftY[i] = scale * (ShiftAmplitude * liveliness * shiftY[i] + 0.15f * NodAmplitude * emphasis[i]);
            }
            return new HeadCurves(yaw, pitch, roll, shiftX, shiftY);
        }

        /// <summary>
        /// 0..1 nods on stressed syllables. A stressed syllable starts with a jump in loudness (an
        /// onset); each onset, gated by voice activity, starts a smooth nod bump whose height is the
        /// onset's strength, peaking <see cref="NodPeakSeconds"/> after the onset (the head dips with
        /// the syllable, not before it). Overlapping nods take the larger height, so a fast run of
        /// syllables gives one held dip instead of a jitter.
        /// </summary>
        private static float[] Emphasis(FrameControls controls, bool smooth)
        {
            int n = controls.FrameCount, fps = controls.Fps;
            float[] onsets = Onsets.Strength(controls);
            var nod = new float[n];
            // A raised-cosine bump; with SmoothMotion off it is a little shorter and snappier.
            double duration = smooth ? 0.6 : 0.4;
            int rise = Math.Max(1, (int)Math.Round(NodPeakSeconds * fps)), length = Math.Max(rise + 1, (int)Math.Round(duration * fps));
            for (int i = 0; i < n; i++)
            {
                if (onsets[i] <= 0) continue;
                for (int k = 0; k < length && i + k < n; k++)
                {
                    // 0 at the onset, 1 at the peak, back to 0 at the end.
                    double phase = k <= rise ? 0.5 * k / rise : 0.5 + 0.5 * (k - rise) / (length - rise);
                    float shape = (float)(0.5 - 0.5 * Math.Cos(2 * Math.PI * phase));
                    nod[i + k] = MathF.Max(nod[i + k], onsets[i] * shape);
                }
            }
            return nod;
        }
    }

    /// <summary>Time from a stressed syllable's onset to the deepest point of its nod.
    /// A rise over 3 frames (120 ms) measured as a 10-level jump per frame on the forehead: a jerk, not a nod.</summary>
    public const double NodPeakSeconds = 0.2;
}
