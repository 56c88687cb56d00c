using System.Numerics;
using SonicWeb.Engine.Animation;
using SonicWeb.Engine.Faces;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Rendering;

namespace SonicWeb.Quality;

/// <summary>
/// Close-ups to look at: one render per key pose (neutral, half and full blink, wide-open mouth,
/// rounded and spread mouth, turned head) at a given resolution, cropped around the eyes and the
/// mouth and enlarged with nearest-neighbour pixels so single-pixel artefacts stay visible.
/// </summary>
internal static class PoseCloseUps
{
    public static readonly (string Name, FacePose Pose)[] Poses =
    [
        ("neutral", FacePose.Neutral),
        ("blink-half", new FacePose(0, 0, 0.5f, 0, 0, 0, 0, 0)),
        ("blink-full", new FacePose(0, 0, 1, 0, 0, 0, 0, 0)),
        ("open-wide", new FacePose(1, -0.15f, 0, 0, 0, 0, 0, 0)),
        ("open-spread", new FacePose(0.45f, 0.6f, 0, 0, 0, 0, 0, 0)),
        ("open-rounded", new FacePose(0.4f, -0.95f, 0, 0, 0, 0, 0, 0)),
        ("pressed", new FacePose(0, 0, 0, 0, 0, 0, 0, 0, 1)),
        ("turned", new FacePose(0.5f, -0.1f, 0.3f, 0.09f, 0.06f, 0.04f, 0.02f, 0.01f)),
        // The animator's largest opening (dynamic_scale above 1 reaches the clamp), still and with the head turned.
        ("open-max", new FacePose(1.2f, 0, 0, 0, 0, 0, 0, 0)),
        ("open-max-turned", new FacePose(1.2f, 0.3f, 0, -0.1f, 0.05f, -0.04f, -0.02f, 0.01f)),
        // Parted lips of a smiling photo closed by the warp (pauses), half-way, and a closure while pressed (p, b, m).
        ("lips-closed", new FacePose(0, 0, 0, 0, 0, 0, 0, 0, 0, 1)),
        ("lips-half-closed", new FacePose(0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5f)),
        ("lips-closed-pressed", new FacePose(0, 0, 0, 0, 0, 0, 0, 0, 1, 1)),
        ("open-half", new FacePose(0.5f, 0, 0, 0, 0, 0, 0, 0)),
    ];

    /// <summary>Writes NAME-eyes.png and NAME-mouth.png per pose, plus NAME-full.png, into <paramref name="outDir"/>.</summary>
    public static void Write(RgbImage photo, FaceLandmarks landmarks, FrameLayout layout, string outDir, int zoom = 3)
    {
        Directory.CreateDirectory(outDir);
        var renderer = new FaceRenderer(photo, landmarks, layout);
        var p = landmarks.Points;
        var eyes = OutputBox(layout, p[36], p[45], p[19], p[41], 0.25f);
        var mouth = OutputBox(layout, p[48], p[54], p[51], p[8], 0.2f);
        // Mouth, cheeks and jaw: where a dropping jaw could leave seams or dark fringes.
        var lowerFace = OutputBox(layout, p[4], p[12], p[33], p[8], 0.15f);
        var neutral = new RgbImage(renderer.Width, renderer.Height);
        renderer.Render(FacePose.Neutral, neutral.Pixels);
        foreach (var (name, pose) in Poses)
        {
            var frame = new RgbImage(renderer.Width, renderer.Height);
            renderer.Render(pose, frame.Pixels);
            File.WriteAllBytes(Path.Combine(outDir, $"{name}-lowerface.png"), SonicWeb.Engine.Imaging.ImageEncoder.Png(Enlarge(frame, lowerFace, zoom)));
            File.WriteAllBytes(Path.Combine(outDir, $"{name}-darker.png"), SonicWeb.Engine.Imaging.ImageEncoder.Png(Enlarge(Darkening(neutral, frame), lowerFace, zoom)));
            File.WriteAllBytes(Path.Combine(outDir, $"{name}-full.png"), SonicWeb.Engine.Imaging.ImageEncoder.Png(frame));
            File.WriteAllBytes(Path.Combine(outDir, $"{name}-eyes.png"), SonicWeb.Engine.Imaging.ImageEncoder.Png(Enlarge(frame, eyes, zoom)));
            File.WriteAllBytes(Path.Combine(outDir, $"{name}-mouth.png"), SonicWeb.Engine.Imaging.ImageEncoder.Png(Enlarge(frame, mouth, zoom)));
        }
        File.WriteAllBytes(Path.Combine(outDir, "landmarks-mouth.png"), SonicWeb.Engine.Imaging.ImageEncoder.Png(MarkLips(Enlarge(neutral, mouth, zoom), landmarks, layout, mouth, zoom)));
    }

    /// <summary>
    /// The neutral mouth with the lip landmarks marked (outer lips 48-59 green, inner lips 60-67 cyan): on a new photo,
    /// whether the tear line and the lips' band sit where the photo's lips are decides most of what the mouth does.
    /// </summary>
    private static RgbImage MarkLips(RgbImage closeUp, FaceLandmarks landmarks, FrameLayout layout, (int X, int Y, int W, int H) box, int zoom)
    {
        float kx = layout.Width / layout.SourceCrop.Width, ky = layout.Height / layout.SourceCrop.Height;
        for (int i = 48; i < 68; i++)
        {
            var pt = landmarks.Points[i];
            int cx = (int)(((pt.X - layout.SourceCrop.X) * kx - box.X) * zoom), cy = (int)(((pt.Y - layout.SourceCrop.Y) * ky - box.Y) * zoom);
            (byte r, byte g, byte b) = i < 60 ? ((byte)0, (byte)255, (byte)0) : ((byte)0, (byte)255, (byte)255);
            for (int y = cy - 2; y <= cy + 2; y++)
                for (int x = cx - 2; x <= cx + 2; x++)
                {
                    if ((uint)x >= (uint)closeUp.Width || (uint)y >= (uint)closeUp.Height) continue;
                    int o = y * closeUp.Stride + x * 3;
                    closeUp.Pixels[o] = r; closeUp.Pixels[o + 1] = g; closeUp.Pixels[o + 2] = b;
                }
        }
        return closeUp;
    }

    /// <summary>Output-pixel box around the landmarks a (left), b (right), top, bottom, grown by a share of its width.</summary>
    private static (int X, int Y, int W, int H) OutputBox(FrameLayout layout, Vector2 left, Vector2 right, Vector2 top, Vector2 bottom, float grow)
    {
        float kx = layout.Width / layout.SourceCrop.Width, ky = layout.Height / layout.SourceCrop.Height;
        float g = grow * (right.X - left.X);
        int x0 = (int)((left.X - g - layout.SourceCrop.X) * kx), x1 = (int)((right.X + g - layout.SourceCrop.X) * kx);
        int y0 = (int)((top.Y - g - layout.SourceCrop.Y) * ky), y1 = (int)((bottom.Y + g - layout.SourceCrop.Y) * ky);
        x0 = Math.Clamp(x0, 0, layout.Width - 1); x1 = Math.Clamp(x1, x0 + 1, layout.Width);
        y0 = Math.Clamp(y0, 0, layout.Height - 1); y1 = Math.Clamp(y1, y0 + 1, layout.Height);
        return (x0, y0, x1 - x0, y1 - y0);
    }

    /// <summary>
    /// The frame in grey, with every pixel that got darker than in the neutral frame painted red (the more
    /// levels, the brighter): a dark fringe or arc shows up even where the eye would miss it.
    /// </summary>
    private static RgbImage Darkening(RgbImage neutral, RgbImage frame)
    {
        var result = new RgbImage(frame.Width, frame.Height);
        for (int i = 0; i < frame.Pixels.Length; i += 3)
        {
            float before = 0.299f * neutral.Pixels[i] + 0.587f * neutral.Pixels[i + 1] + 0.114f * neutral.Pixels[i + 2];
            float after = 0.299f * frame.Pixels[i] + 0.587f * frame.Pixels[i + 1] + 0.114f * frame.Pixels[i + 2];
            byte grey = (byte)(after * 0.6f);
            float darker = before - after;
            result.Pixels[i] = darker > 4 ? (byte)Math.Min(255, 80 + 4 * darker) : grey;
            result.Pixels[i + 1] = darker > 4 ? (byte)0 : grey;
            result.Pixels[i + 2] = darker > 4 ? (byte)0 : grey;
        }
        return result;
    }

    private static RgbImage Enlarge(RgbImage frame, (int X, int Y, int W, int H) box, int zoom)
    {
        var result = new RgbImage(box.W * zoom, box.H * zoom);
        for (int y = 0; y < result.Height; y++)
            for (int x = 0; x < result.Width; x++)
            {
                int s = (box.Y + y / zoom) * frame.Stride + (box.X + x / zoom) * 3, d = y * result.Stride + x * 3;
                result.Pixels[d] = frame.Pixels[s]; result.Pixels[d + 1] = frame.Pixels[s + 1]; result.Pixels[d + 2] = frame.Pixels[s + 2];
            }
        return result;
    }
}
