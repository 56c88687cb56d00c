namespace SonicWeb.Engine.Animation;

/// <summary>
/// Per-video-frame inputs from audio analysis; every array has one value per output frame.
/// </summary>
/// <param name="Fps">Output frame rate.</param>
/// <param name="Loudness">0..1, normalised per clip, 0 = silence.</param>
/// <param name="VoiceActivity">0..1 speech probability.</param>
public sealed record FrameControls(int Fps, float[] Loudness, float[] VoiceActivity)
{
    public int FrameCount => Loudness.Length;

    /// <summary>Mouth-shape weights per frame from the spectrum (null: loudness only, every vowel alike).</summary>
    public SonicWeb.Engine.Audio.VisemeWeights? Visemes { get; init; }
}

/// <summary>User-facing animation knobs (names and defaults follow the product brief).</summary>
public sealed record AnimationSettings(
    float DynamicScale = 1.1f,
    float MotionScale = 1.05f,
    bool AlignMouth = true,
    bool SmoothMotion = true,
    int Seed = 0);

/// <summary>
/// The face's state in one frame, consumed by the renderer.
/// MouthOpen 0..1 (closed..wide open); MouthWidth -1..1 (0 = as in the photo, negative = corners in);
/// Blink 0 open..1 closed; Yaw, Pitch, Roll in radians (small); ShiftX, ShiftY as a fraction of the face size;
/// MouthPress 0..1, closed lips squeezed together (p, b, m), shown as thinner lips;
/// LipClosure 0..1, lips that are parted in the photo (a smile showing teeth) brought together by the
/// warp, so the lip texture covers the teeth (pauses, closures); no effect on a photo whose lips meet.
/// </summary>
public readonly record struct FacePose(
    float MouthOpen, float MouthWidth, float Blink,
    float Yaw, float Pitch, float Roll,
    float ShiftX, float ShiftY, float MouthPress = 0, float LipClosure = 0)
{
    public static FacePose Neutral => default;

    /// <summary>The face between phrases: mouth shut and the lips together (covering a smile's teeth).</summary>
    public static FacePose AtRest => new(0, 0, 0, 0, 0, 0, 0, 0, 0, LipClosure: 1);
}
