using SonicWeb.Engine.Imaging;

namespace SonicWeb.Engine.Rendering;

/// <summary>
/// Which part of the source image becomes the video frame (<paramref name="SourceCrop"/>, in source
/// pixels, may extend past the image) and the output frame size in pixels.
/// </summary>
public sealed record FrameLayout(RectF SourceCrop, int Width, int Height);

/// <summary>
/// Chooses the video framing from the detected face.
/// <para>
/// Face mode: the detector box covers roughly brows to chin, about 55% of a head's height, so growing
/// it by <c>expandRatio</c> alone would cut the hair and show no neck. We grow it by expandRatio of the
/// box size on each side PLUS a fixed <see cref="HeadAllowance"/> (0.6 box sizes) on each side, giving
/// a square about 2.5 box sizes wide at the default 0.15: whole head, neck and the top of the
/// shoulders, the usual talking-head framing. The square is centred slightly below the box centre
/// (<see cref="CentreDrop"/>), because hair adds less above the brows than neck and shoulders add
/// below the chin. It is shifted to stay inside the image; if it is larger than the image, it is first
/// shrunk to the image's short side as long as it still holds the face with its expand margin, and
/// only otherwise extends past the image (the renderer reflects the outside pixels).
/// </para>
/// <para>Full mode: the whole image.</para>
/// Output: short side = minResolution, the other side keeps the crop's aspect; both rounded to a
/// multiple of 16 (H.264 macroblocks; yuv420p needs even sizes anyway).
/// </summary>
public static class Framing
{
    public const float HeadAllowance = 0.6f;
    public const float CentreDrop = 0.12f;

    public static FrameLayout Compute(int imageWidth, int imageHeight, RectF faceBox, CropMode mode, float expandRatio, int minResolution)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minResolution);
        ArgumentOutOfRangeException.ThrowIfNegative(expandRatio);

        if (mode == CropMode.Full)
        {
            var crop = new RectF(0, 0, imageWidth, imageHeight);
            bool landscape = imageWidth >= imageHeight;
            float aspect = landscape ? imageWidth / (float)imageHeight : imageHeight / (float)imageWidth;
            int shortSide = RoundTo16(minResolution), longSide = RoundTo16(minResolution * aspect);
            return landscape ? new FrameLayout(crop, longSide, shortSide) : new FrameLayout(crop, shortSide, longSide);
        }

        if (faceBox.Width <= 0 || faceBox.Height <= 0)
            throw new ArgumentException("The face box must have a positive size.", nameof(faceBox));
        float boxSize = MathF.Max(faceBox.Width, faceBox.Height);
        float side = boxSize * (1 + 2 * expandRatio + 2 * HeadAllowance);
        float shortImageSide = Math.Min(imageWidth, imageHeight);
        float mustShow = boxSize * (1 + 2 * expandRatio);
        if (side > shortImageSide) side = MathF.Max(shortImageSide, mustShow);

        var centre = faceBox.Center;
        float cx = FitInside(centre.X, side, imageWidth);
        float cy = FitInside(centre.Y + CentreDrop * boxSize, side, imageHeight);
        int size = RoundTo16(minResolution);
        return new FrameLayout(RectF.FromCenter(new(cx, cy), side, side), size, size);
    }

    /// <summary>
    /// Moves a span's centre so the span stays inside [0, length]. A span longer than the image keeps
    /// covering all of it (no empty band on one side) with the face as central as that allows.
    /// </summary>
    private static float FitInside(float centre, float span, float length)
        => span <= length
            ? Math.Clamp(centre, span / 2f, length - span / 2f)
            : Math.Clamp(centre, length - span / 2f, span / 2f);

    private static int RoundTo16(float value) => Math.Max(16, (int)MathF.Round(value / 16f) * 16);
}
