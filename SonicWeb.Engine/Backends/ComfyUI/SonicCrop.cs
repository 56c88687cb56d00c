using SonicWeb.Engine.Imaging;

namespace SonicWeb.Engine.Backends.ComfyUI;

/// <summary>A square of the photo in whole pixels, [X1, X2) x [Y1, Y2), as Sonic cuts it.</summary>
public readonly record struct SonicCropBox(int X1, int Y1, int X2, int Y2)
{
    public int Width => X2 - X1;
    public int Height => Y2 - Y1;
    public RectF AsRect => new(X1, Y1, Width, Height);
}

/// <summary>
/// The square Sonic makes around the face (ComfyUI_Sonic's SONIC_PreData node: sonic.py preprocess_face,
/// which calls Sonic's src/dataset/test_preprocess.py process_bbox with the node's expand_ratio;
/// smthemex/ComfyUI_Sonic, read 2026-12). The facts, step by step:
/// <list type="number">
/// <item>The face box grows by expand_ratio x its own width on the left and on the right, and by
/// expand_ratio x its own height above and below; each edge is then clamped to the photo.</item>
/// <item>The square's side is the shorter side of that grown box, so the square never leaves the photo:
/// a face near an edge gets a smaller square, not a square that reaches outside.</item>
/// <item>It is centred on the grown box, then moved along the box's longer side towards the face's own
/// centre, by at most the slack the longer side leaves (so a face clamped at the top stays central).</item>
/// <item>Corners are rounded to whole pixels with Python's round (halves to even).</item>
/// <item>The square is resized so its short side is min_resolution, each side rounded to a multiple of
/// 64 (test_preprocess.py image_audio_to_tensor): <see cref="OutputSide"/>.</item>
/// </list>
/// Sonic's own detector (yoloface_v5m) is not SonicWeb's (BlazeFace), so its box, and the square, may
/// differ by a few percent. Newer ComfyUI_Sonic versions compute this square but then animate the whole
/// uploaded image; older ones animate the square. <see cref="ComfyUISonicBackend"/> therefore cuts the
/// square itself and uploads only it, so both animate exactly what the new video page outlines.
/// </summary>
public static class SonicCrop
{
    /// <summary>Sonic makes its frames in multiples of this (the SVD latent grid).</summary>
    public const int SizeStep = 64;

    public static SonicCropBox Compute(int imageWidth, int imageHeight, RectF faceBox, double expandRatio)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageHeight);
        ArgumentOutOfRangeException.ThrowIfNegative(expandRatio);
        if (faceBox.Width <= 0 || faceBox.Height <= 0)
            throw new ArgumentException("The face box must have a positive size.", nameof(faceBox));

        double left = Math.Max(faceBox.X - expandRatio * faceBox.Width, 0);
        double top = Math.Max(faceBox.Y - expandRatio * faceBox.Height, 0);
        double right = Math.Min(faceBox.Right + expandRatio * faceBox.Width, imageWidth);
        double bottom = Math.Min(faceBox.Bottom + expandRatio * faceBox.Height, imageHeight);
        double width = right - left, height = bottom - top;
        if (width <= 0 || height <= 0)
            throw new ArgumentException("The face box lies outside the photo.", nameof(faceBox));

        double centreX = (left + right) / 2, centreY = (top + bottom) / 2;
        double slack = Math.Abs(height - width) / 2;
        if (width < height) centreY += TowardsFace(faceBox.Center.Y - centreY, slack);
        else centreX += TowardsFace(faceBox.Center.X - centreX, slack);

        double side = Math.Min(width, height);
        return new SonicCropBox(PythonRound(centreX - side / 2), PythonRound(centreY - side / 2),
            PythonRound(centreX + side / 2), PythonRound(centreY + side / 2));
    }

    /// <summary>
    /// The side of Sonic's square video for a min_resolution: round(min_resolution / 64) x 64, halves to even
    /// (480 -> 512, 544 -> 512, 576 -> 576), at least 64.
    /// </summary>
    public static int OutputSide(int minResolution) => Math.Max(SizeStep, PythonRound(minResolution / (double)SizeStep) * SizeStep);

    private static double TowardsFace(double offset, double slack) => Math.Sign(offset) * Math.Min(slack, Math.Abs(offset));

    /// <summary>Python 3's round(): to the nearest integer, halves to the even one.</summary>
    private static int PythonRound(double value) => (int)Math.Round(value, MidpointRounding.ToEven);
}
