using SonicWeb.Engine.Faces;
using SonicWeb.Engine.Imaging;

namespace SonicWeb.Engine.Rendering;

/// <summary>
/// Colours of the synthesised mouth interior, taken from the person's photo so the inside of the mouth
/// belongs to the face: the cavity is the lip colour darkened, the tongue a muted lip colour, and the
/// teeth an ivory as bright as the skin's light allows (a dim photo gets dim teeth, never a white band); the
/// cavity and the tongue take the lower lip's grain (<see cref="Grain"/>, a share of the brightness).
/// </summary>
internal sealed record InteriorColours(float CavityR, float CavityG, float CavityB, float TongueR, float TongueG, float TongueB,
    float TeethR, float TeethG, float TeethB, float Grain = 0)
{
    private const float IvoryR = 232, IvoryG = 222, IvoryB = 200;

    /// <param name="ownCavity">The photo's own open mouth, where it shows one (the dark between parted lips): the drawn
    /// cavity continues it instead of meeting it at a seam.</param>
    public static InteriorColours From(RgbImage? photo, FaceLandmarks landmarks, LipGap.Rgb lip, LipGap.Rgb? ownCavity = null)
    {
        // Skin between nose and upper lip (philtrum): how bright the face is lit.
        float sr = 200, sg = 160, sb = 140;
        if (photo != null)
        {
            var p = landmarks.Points;
            var at = (p[33] + p[51]) / 2;
            int x = Math.Clamp((int)at.X, 0, photo.Width - 1), y = Math.Clamp((int)at.Y, 0, photo.Height - 1);
            int o = y * photo.Stride + 3 * x;
            (sr, sg, sb) = (photo.Pixels[o], photo.Pixels[o + 1], photo.Pixels[o + 2]);
        }
        float skinLuma = 0.299f * sr + 0.587f * sg + 0.114f * sb;
        float grain = photo == null ? 0 : Math.Clamp(Rendering.Grain.Relative(photo, (landmarks.Points[57] + landmarks.Points[66]) / 2), 0, MaxGrain);
        float light = Math.Clamp(1.15f * skinLuma / 215f, 0.7f, 1f);
        // Teeth take a fifth of the skin's hue (the same light falls on both), scaled to its brightness.
        float hue = 0.2f * light * 225f / MathF.Max(60, skinLuma);
        float tr = light * (0.8f * IvoryR + hue * sr), tg = light * (0.8f * IvoryG + hue * sg), tb = light * (0.8f * IvoryB + hue * sb);
        // Cavity: the lip colour pulled well towards a dark red (lips in shadow), so pale or brown lips both read as a mouth.
        float cr = 0.3f * lip.R + 0.7f * 160, cg = 0.3f * lip.G + 0.7f * 56, cb = 0.3f * lip.B + 0.7f * 52;
        if (ownCavity is { } own)
            (cr, cg, cb) = (own.R / OwnCavityShade, own.G / OwnCavityShade, own.B / OwnCavityShade);
        return new InteriorColours(cr, cg, cb,
            0.45f * lip.R + 0.55f * 160, 0.45f * lip.G + 0.55f * 66, 0.45f * lip.B + 0.55f * 68,
            MathF.Min(245, tr), MathF.Min(240, tg), MathF.Min(230, tb), grain);
    }

    /// <summary>
    /// The most grain the interior takes (relative), so a noisy photo or a moustache does not turn the mouth to static. The
    /// lower lip's middle reads 0.007 (smile-teeth-older-man) to 0.064 (dark-skin-man) on the quality set, 0.117 where a
    /// moustache overhangs it (beard-white-older-man).
    /// </summary>
    private const float MaxGrain = 0.08f;

    /// <summary>
    /// The interior darkens the cavity colour to 0.15-0.5 of itself (<c>MouthWarp.Interior</c>); a photo's own cavity is
    /// met at about this share, so the drawn opening right under it is as dark as the photo's.
    /// </summary>
    private const float OwnCavityShade = 0.5f;
}
