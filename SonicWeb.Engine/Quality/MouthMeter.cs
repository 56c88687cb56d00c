using System.Numerics;
using SonicWeb.Engine.Faces;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Rendering;

namespace SonicWeb.Engine.Quality;

/// <summary>
/// One frame's mouth, measured on the picture. <see cref="Opening"/>: dark (cavity) pixel area divided
/// by the mouth's width squared, i.e. the mean height of the opening as a fraction of the mouth width.
/// <see cref="Width"/>: horizontal span of the dark area as a fraction of the mouth width (0 when shut).
/// </summary>
public readonly record struct MouthReading(float Opening, float Width);

/// <summary>
/// Measures how open the mouth is in a rendered or decoded frame, from the pixels alone: the mouth
/// region is located from the photo's landmarks mapped into the output frame (with a margin for head
/// motion and the dropping jaw), and "open" means pixels much darker than the region's typical
/// (skin/lip) brightness, which is what a mouth cavity looks like in any renderer.
/// </summary>
public sealed class MouthMeter
{
    /// <summary>A pixel counts as cavity when darker than this share of the region's median luma.</summary>
    public const float DarkShare = 0.45f;

    public PixelRegion Region { get; }

    /// <summary>Mouth width (outer corners) in output pixels.</summary>
    public float MouthWidthPixels { get; }

    public MouthMeter(FaceLandmarks landmarks, FrameLayout layout)
    {
        ArgumentNullException.ThrowIfNull(landmarks);
        ArgumentNullException.ThrowIfNull(layout);
        var p = landmarks.Points;
        Vector2 left = p[48], right = p[54];
        float width = Vector2.Distance(left, right);
        float top = MathF.Min(p[50].Y, p[52].Y), bottom = p[57].Y;
        Region = PixelRegion.FromSource(layout,
            MathF.Min(left.X, right.X) - 0.15f * width, top - 0.12f * width,
            MathF.Max(left.X, right.X) + 0.15f * width, bottom + 0.45f * width);
        MouthWidthPixels = width * layout.Width / layout.SourceCrop.Width;
    }

    private float? _fixedThreshold;

    /// <summary>
    /// Takes the dark threshold from the still photo's mouth region once, instead of from each frame: a
    /// light beard or skin that moves through the region as the jaw drops shifts a frame's own median,
    /// and with it what counts as dark (a bearded photo read 20-40% "open" in pauses whose frames showed
    /// a shut mouth).
    /// <para>
    /// With a reference, brightness is also taken as the brightest channel instead of luma: a red lipstick is
    /// dark in luma (under half the skin's, so it read as an open mouth in pauses) but bright in red, while a
    /// mouth cavity is dark in every channel.
    /// </para>
    /// <para>
    /// What is already dark in the still photo (a dark background beside the chin, hair, the photo's own parted lips) is left
    /// out, with a margin for the head's motion: the jaw moving over a dark background changed the dark area against the
    /// speech, and the subtraction of the clip's most closed state (the chin covering the most background while speaking)
    /// made pauses read as open (the phone photo's black background, 91% of speech in pauses on a shut mouth).
    /// </para>
    /// </summary>
    public void UseReference(RgbImage still)
    {
        _brightestChannel = true;
        var lumas = Lumas(still);
        float threshold = DarkShare * Median(lumas);
        _fixedThreshold = threshold;
        _darkInStill = DarkInStill(lumas, threshold, Math.Max(2, (int)MathF.Round(StillMargin * MouthWidthPixels)));
    }

    /// <summary>The margin round what is dark in the still photo, as a share of the mouth's width (head motion moves it).</summary>
    private const float StillMargin = 0.04f;

    private bool[]? _darkInStill;

    private bool[] DarkInStill(float[] lumas, float threshold, int margin)
    {
        int w = Region.Width, h = Region.Height;
        var mask = new bool[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                if (lumas[y * w + x] >= threshold) continue;
                for (int dy = Math.Max(0, y - margin); dy <= Math.Min(h - 1, y + margin); dy++)
                    for (int dx = Math.Max(0, x - margin); dx <= Math.Min(w - 1, x + margin); dx++)
                        mask[dy * w + dx] = true;
            }
        return mask;
    }

    private bool _brightestChannel;

    private static float Brightest(RgbImage frame, int x, int y)
    {
        int i = y * frame.Stride + x * 3;
        return Math.Max(frame.Pixels[i], Math.Max(frame.Pixels[i + 1], frame.Pixels[i + 2]));
    }

    private static float Median(float[] values)
    {
        var sorted = (float[])values.Clone();
        Array.Sort(sorted);
        return sorted.Length == 0 ? 0 : sorted[sorted.Length / 2];
    }

    private float[] Lumas(RgbImage frame)
    {
        var r = Region;
        var lumas = new float[Math.Max(0, r.Width * r.Height)];
        int k = 0;
        for (int y = r.Y0; y < r.Y1; y++)
            for (int x = r.X0; x < r.X1; x++)
                lumas[k++] = _brightestChannel ? Brightest(frame, x, y) : PixelRegion.Luma(frame, x, y);
        return lumas;
    }

    public MouthReading Measure(RgbImage frame)
    {
        var r = Region;
        if (r.IsEmpty) return default;
        var lumas = Lumas(frame);
        float threshold = _fixedThreshold ?? DarkShare * Median(lumas);

        int dark = 0, firstColumn = int.MaxValue, lastColumn = -1;
        for (int x = 0; x < r.Width; x++)
        {
            int inColumn = 0;
            for (int y = 0; y < r.Height; y++)
                if (lumas[y * r.Width + x] < threshold && _darkInStill?[y * r.Width + x] != true) inColumn++;
            dark += inColumn;
            // Two dark pixels make a column part of the opening (one can be a stray edge pixel).
            if (inColumn >= 2) { firstColumn = Math.Min(firstColumn, x); lastColumn = x; }
        }
        float w = MouthWidthPixels;
        float span = lastColumn >= firstColumn ? lastColumn - firstColumn + 1 : 0;
        return new MouthReading(dark / (w * w), span / w);
    }
}
