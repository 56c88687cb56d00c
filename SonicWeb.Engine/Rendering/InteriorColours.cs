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

    public static InteriorColours From(RgbImage? photo, FaceLandmarks landmarks, LipGap.Rgb lip)
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
        float grain = photo == null ? 0 : Math.Clamp(RelativeGrain(photo, (landmarks.Points[57] + landmarks.Points[66]) / 2), 0, MaxGrain);
        float light = Math.Clamp(1.15f * skinLuma / 215f, 0.7f, 1f);
        // Teeth take a fifth of the skin's hue (the same light falls on both), scaled to its brightness.
        float hue = 0.2f * light * 225f / MathF.Max(60, skinLuma);
        float tr = light * (0.8f * IvoryR + hue * sr), tg = light * (0.8f * IvoryG + hue * sg), tb = light * (0.8f * IvoryB + hue * sb);
        // Cavity: the lip colour pulled well towards a dark red (lips in shadow), so pale or brown lips both read as a mouth.
        float cr = 0.3f * lip.R + 0.7f * 160, cg = 0.3f * lip.G + 0.7f * 56, cb = 0.3f * lip.B + 0.7f * 52;
        return new InteriorColours(cr, cg, cb,
            0.45f * lip.R + 0.55f * 160, 0.45f * lip.G + 0.55f * 66, 0.45f * lip.B + 0.55f * 68,
            MathF.Min(245, tr), MathF.Min(240, tg), MathF.Min(230, tb), grain);
    }

    /// <summary>The most grain the interior takes (relative), so a noisy photo or a moustache does not turn the mouth to static.</summary>
    private const float MaxGrain = 0.08f;

    /// <summary>
    /// The photo's fine grain around <paramref name="at"/> (the middle of the lower lip) as a share of its brightness: the
    /// spread of each pixel's luma about the mean of its 3 x 3 neighbourhood over a 7 x 5 patch, which stays on the lip
    /// of a small face. Measured on the quality set: 0.007 (smile-teeth-older-man) to 0.064 (dark-skin-man), 0.117 where
    /// a moustache overhangs the lip (beard-white-older-man; capped at <see cref="MaxGrain"/>). Skin pores, sensor noise and JPEG blocks all count;
    /// a drawn interior without them reads as painted beside the photo's own lips at 768-1024 px.
    /// </summary>
    private static float RelativeGrain(RgbImage photo, System.Numerics.Vector2 at)
    {
        float Luma(int x, int y)
        {
            x = Math.Clamp(x, 0, photo.Width - 1); y = Math.Clamp(y, 0, photo.Height - 1);
            int o = y * photo.Stride + 3 * x;
            return 0.299f * photo.Pixels[o] + 0.587f * photo.Pixels[o + 1] + 0.114f * photo.Pixels[o + 2];
        }
        int cx = (int)at.X, cy = (int)at.Y;
        double sumSq = 0, sumLuma = 0; int n = 0;
        for (int y = cy - 2; y <= cy + 2; y++)
            for (int x = cx - 3; x <= cx + 3; x++)
            {
                float mean = 0;
                for (int dy = -1; dy <= 1; dy++) for (int dx = -1; dx <= 1; dx++) mean += Luma(x + dx, y + dy);
                float here = Luma(x, y), detail = here - mean / 9;
                sumSq += detail * detail; sumLuma += here; n++;
            }
        return (float)(Math.Sqrt(sumSq / n) / Math.Max(20, sumLuma / n));
    }
}
