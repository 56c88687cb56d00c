namespace SonicWeb.Engine.Audio;

/// <summary>The smooth 0..1 ramp the audio cues use to turn a measured depth or ratio into a weight.</summary>
internal static class Ramp
{
    /// <summary>0 below <paramref name="edge0"/>, 1 above <paramref name="edge1"/>, a smooth S (3t² - 2t³) between.</summary>
    public static float SmoothStep(float edge0, float edge1, float x)
    {
        float t = Math.Clamp((x - edge0) / (edge1 - edge0), 0f, 1f);
        return t * t * (3 - 2 * t);
    }
}
